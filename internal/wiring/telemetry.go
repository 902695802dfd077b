package wiring

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/batonrun/baton/aggregate/fanin"
	"github.com/batonrun/baton/internal/redrive"
	"github.com/batonrun/baton/internal/splitter"
	"github.com/batonrun/baton/internal/worker"
	"github.com/batonrun/baton/observability"
	"go.opentelemetry.io/otel/trace"
)

// flushTimeout bounds the ForceFlush that ends each invocation.
const flushTimeout = 2 * time.Second

// telemetry builds the function's tracer and meter providers and its
// logger: spans to Config.TraceExporter, EMF metrics and Lambda-format JSON
// logs to stdout (CloudWatch Logs in Lambda).
func telemetry(ctx context.Context, function string, c Config, getenv func(string) string, stdout io.Writer) (*observability.Providers, *slog.Logger, error) {
	o := observability.Options{
		ServiceName:   getenv("AWS_LAMBDA_FUNCTION_NAME"),
		Exporter:      c.TraceExporter,
		OTLPEndpoint:  c.OTLPEndpoint,
		MetricsWriter: stdout,
		Getenv:        getenv,
	}
	if o.ServiceName == "" {
		o.ServiceName = "baton-" + function
	}
	if c.TraceExporter == observability.ExporterFile {
		o.FilePath = filepath.Join(c.TraceDir, fmt.Sprintf("%s-%d.jsonl", function, os.Getpid()))
	}
	p, err := observability.New(ctx, o)
	if err != nil {
		return nil, nil, fmt.Errorf("telemetry: %w", err)
	}
	return p, p.Logger(stdout), nil
}

// SplitterOptions are the splitter's options from Config, with telemetry.
func (d Deps) SplitterOptions() splitter.Options {
	return splitter.Options{
		UploadQuery:    d.Config.UploadQuery,
		AllowedSources: d.Config.AllowedSources,
		Defaults:       eventsLimits(d.Config),
		Tracer:         d.obs().TracerProvider(), Propagator: d.obs().Propagator(), Meter: d.obs().MeterProvider(), Logger: d.Logger,
	}
}

// WorkerOptions are the worker's options for the backend, with telemetry.
// Parallelism stays 0, runtime.GOMAXPROCS(0): Go sets GOMAXPROCS from the
// cgroup CPU limit, which is how Lambda's memory setting shows (one vCPU per
// 1,769 MB), so a larger worker scans each batch with more goroutines.
func (d Deps) WorkerOptions() worker.Options {
	o := worker.Options{Tracer: d.obs().TracerProvider(), Propagator: d.obs().Propagator(), Meter: d.obs().MeterProvider(), Logger: d.Logger}
	if d.Config.Backend == "aws" {
		o.CommitReserve = AWSCommitReserve
	}
	return o
}

// FaninOptions are the aggregator's options, with telemetry.
func (d Deps) FaninOptions() fanin.Options {
	return fanin.Options{Tracer: d.obs().TracerProvider(), Propagator: d.obs().Propagator(), Meter: d.obs().MeterProvider(), Logger: d.Logger}
}

// RedriveOptions are the sweeper's options from Config.
func (d Deps) RedriveOptions() redrive.Options {
	return redrive.Options{StalledAfter: d.Config.StalledAfter}
}

// obs is Obs, or no-op providers when Deps were built without telemetry
// (tests).
func (d Deps) obs() *observability.Providers {
	if d.Obs == nil {
		return observability.Nop()
	}
	return d.Obs
}

// flush ends an invocation: ForceFlush (never Shutdown: Lambda freezes the
// container and may thaw it for the next invocation) on a context that
// outlives the invocation's by at most flushTimeout. A failed flush is
// logged, not returned: the invocation's work is done.
func (d Deps) flush(ctx context.Context) {
	if d.Obs == nil {
		return
	}
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), flushTimeout)
	defer cancel()
	if err := d.Obs.ForceFlush(fctx); err != nil && d.Logger != nil {
		d.Logger.WarnContext(ctx, "exporting telemetry failed", "error", err.Error())
	}
}

// untraced returns ctx under an unsampled parent, so the AWS SDK calls made
// with it (fetching a claim-checked event, before the handler has read the
// event's trace context) record no spans instead of stray one-span traces.
func untraced(ctx context.Context) context.Context {
	sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{1}, SpanID: trace.SpanID{1}})
	return trace.ContextWithSpanContext(ctx, sc)
}
