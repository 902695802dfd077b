package observability

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Exporter names accepted by Options.Exporter.
const (
	ExporterNone = "none" // no span export (also the meaning of "")
	ExporterOTLP = "otlp" // OTLP/HTTP protobuf, batched
	ExporterFile = "file" // one JSON span per line, written synchronously
)

// DefaultOTLPEndpoint is the base URL used when Options.OTLPEndpoint is
// empty: the ADOT collector Lambda layer's OTLP/HTTP receiver.
const DefaultOTLPEndpoint = "http://localhost:4318"

// DefaultServiceName is the service name when Options.ServiceName is empty
// and the process is not on Lambda.
const DefaultServiceName = "baton"

// Options configures New. The zero value is valid: no span export, no
// metrics export, service name from the Lambda function name or "baton".
type Options struct {
	// ServiceName is the resource's service.name and the EMF FunctionName
	// dimension. Empty: AWS_LAMBDA_FUNCTION_NAME (via Getenv) when set,
	// else DefaultServiceName.
	ServiceName string
	// Exporter is ExporterOTLP, ExporterFile, ExporterNone or "" (none).
	// Ignored when SpanExporter is set.
	Exporter string
	// OTLPEndpoint is the OTLP/HTTP base URL with the semantics of
	// OTEL_EXPORTER_OTLP_ENDPOINT: spans go to <endpoint>/v1/traces. The
	// caller reads the variable; empty means DefaultOTLPEndpoint.
	OTLPEndpoint string
	// FilePath is the span file for ExporterFile: created (with its parent
	// directories) or appended, one span per line; see ReadSpanFile.
	FilePath string
	// MetricsWriter receives one EMF JSON line per metrics export (on
	// ForceFlush). Nil: metrics are recorded nowhere (no-op meter provider).
	MetricsWriter io.Writer
	// SpanExporter, when set, overrides Exporter and receives every span
	// through a synchronous processor (tests use tracetest.InMemoryExporter).
	SpanExporter sdktrace.SpanExporter
	// Getenv reads the Lambda environment (AWS_LAMBDA_FUNCTION_NAME,
	// AWS_REGION, ...) for the resource. Nil means os.Getenv.
	Getenv func(string) string
	// LogLevel is the minimum level of Providers.Logger. Nil means INFO.
	LogLevel slog.Leveler
}

// Validate reports every problem in o, joined with errors.Join; nil when o
// is usable by New.
func (o Options) Validate() error {
	var errs []error
	switch o.Exporter {
	case "", ExporterNone, ExporterOTLP:
	case ExporterFile:
		if o.FilePath == "" && o.SpanExporter == nil {
			errs = append(errs, errors.New("observability: exporter \"file\" needs FilePath"))
		}
	default:
		errs = append(errs, fmt.Errorf("observability: unknown exporter %q (want otlp, file or none)", o.Exporter))
	}
	if o.OTLPEndpoint != "" {
		if err := checkEndpoint(o.OTLPEndpoint); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// checkEndpoint accepts an absolute http or https URL with a host.
func checkEndpoint(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("observability: OTLP endpoint %q: %w", s, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("observability: OTLP endpoint %q: want an http:// or https:// URL with a host", s)
	}
	return nil
}
