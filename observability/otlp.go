package observability

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// otlpTracesURL appends the traces signal path to an OTLP/HTTP base URL,
// as OTEL_EXPORTER_OTLP_ENDPOINT's semantics require ("" = default).
func otlpTracesURL(base string) (string, error) {
	if base == "" {
		base = DefaultOTLPEndpoint
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("observability: OTLP endpoint %q: %w", base, err)
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + "/v1/traces"
	return u.String(), nil
}

// otlpTimeout bounds one export request and its retries: an invocation
// should not spend the SDK's default minute of retries on a missing
// collector.
const otlpTimeout = 5 * time.Second

// newOTLPExporter builds an OTLP/HTTP protobuf exporter; it does not dial.
func newOTLPExporter(ctx context.Context, endpoint string) (sdktrace.SpanExporter, error) {
	full, err := otlpTracesURL(endpoint)
	if err != nil {
		return nil, err
	}
	exp, err := otlptracehttp.New(ctx,
		otlptracehttp.WithEndpointURL(full),
		otlptracehttp.WithTimeout(otlpTimeout),
		otlptracehttp.WithRetry(otlptracehttp.RetryConfig{
			Enabled:         true,
			InitialInterval: 100 * time.Millisecond,
			MaxInterval:     time.Second,
			MaxElapsedTime:  otlpTimeout,
		}))
	if err != nil {
		return nil, fmt.Errorf("observability: OTLP exporter for %s: %w", full, err)
	}
	return exp, nil
}
