package observability

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"

	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
)

// Providers holds one process's tracer provider, meter provider and
// propagator. Build it once per process (per Lambda container) with New or
// Nop and share it; its methods are safe for concurrent use.
//
// Call ForceFlush at the end of every invocation. Never shut the providers
// down: Lambda freezes the container after the handler returns and reuses
// it for later invocations, so a shut-down provider would silently drop
// their spans, and nothing runs after the freeze to export what is left.
type Providers struct {
	tp      trace.TracerProvider
	sdkTP   *sdktrace.TracerProvider // nil for Nop
	mp      metric.MeterProvider
	reader  *sdkmetric.ManualReader // nil when metrics are not exported
	emf     *EMFExporter
	prop    propagation.TextMapPropagator
	level   slog.Leveler
	closers []io.Closer
	flushMu sync.Mutex // one metrics collect+export at a time
}

// Nop returns providers that record nothing: no-op tracer and meter
// providers. Its Propagator is still the composite one (it has no side
// effects), so a trace context extracted from an event passes through a
// process that does not record. ForceFlush returns nil.
func Nop() *Providers {
	return &Providers{
		tp:   tracenoop.NewTracerProvider(),
		mp:   metricnoop.NewMeterProvider(),
		prop: NewPropagator(),
	}
}

// New builds the providers o describes. It returns Validate's errors, an
// error opening the span file, or an error building the OTLP exporter (which
// does not connect: an unreachable collector surfaces as ForceFlush's error).
func New(ctx context.Context, o Options) (*Providers, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	getenv := o.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	service := serviceName(o, getenv)
	res, err := newResource(service, getenv)
	if err != nil {
		return nil, err
	}
	p := &Providers{prop: NewPropagator(), level: o.LogLevel}
	proc, err := p.spanProcessor(ctx, o)
	if err != nil {
		return nil, err
	}
	limits := sdktrace.NewSpanLimits()
	limits.LinkCountLimit = MaxLinks
	tpOpts := []sdktrace.TracerProviderOption{
		sdktrace.WithResource(res),
		sdktrace.WithIDGenerator(newIDGenerator()),
		sdktrace.WithRawSpanLimits(limits),
	}
	if proc != nil {
		tpOpts = append(tpOpts, sdktrace.WithSpanProcessor(proc))
	}
	p.sdkTP = sdktrace.NewTracerProvider(tpOpts...)
	p.tp = p.sdkTP
	p.setupMetrics(o, service)
	return p, nil
}

// MaxLinks is the most span links a span keeps: the fan-in links the final
// span of every range, and a job may have up to 10,000 ranges (the
// splitter's default cap). The SDK's own default keeps 128.
const MaxLinks = 10000

// setupMetrics builds an SDK meter provider read by a manual reader that
// ForceFlush drains into the EMF exporter, or a no-op one without a writer.
func (p *Providers) setupMetrics(o Options, service string) {
	if o.MetricsWriter == nil {
		p.mp = metricnoop.NewMeterProvider()
		return
	}
	p.emf = NewEMFExporter(o.MetricsWriter, service)
	p.reader = sdkmetric.NewManualReader(
		sdkmetric.WithTemporalitySelector(p.emf.Temporality),
		sdkmetric.WithAggregationSelector(p.emf.Aggregation),
	)
	p.mp = sdkmetric.NewMeterProvider(sdkmetric.WithReader(p.reader))
}

// spanProcessor returns the processor for o's exporter, or nil for none.
func (p *Providers) spanProcessor(ctx context.Context, o Options) (sdktrace.SpanProcessor, error) {
	if o.SpanExporter != nil {
		return sdktrace.NewSimpleSpanProcessor(o.SpanExporter), nil
	}
	switch o.Exporter {
	case ExporterFile:
		f, exp, err := openSpanFile(o.FilePath)
		if err != nil {
			return nil, err
		}
		p.closers = append(p.closers, f)
		return sdktrace.NewSimpleSpanProcessor(exp), nil
	case ExporterOTLP:
		exp, err := newOTLPExporter(ctx, o.OTLPEndpoint)
		if err != nil {
			return nil, err
		}
		// Blocking: a full queue makes End wait rather than drop a span.
		return sdktrace.NewBatchSpanProcessor(exp, sdktrace.WithBlocking()), nil
	}
	return nil, nil
}

// TracerProvider returns the tracer provider (an SDK provider from New, a
// no-op one from Nop).
func (p *Providers) TracerProvider() trace.TracerProvider { return p.tp }

// Propagator returns the composite propagator (see NewPropagator).
func (p *Providers) Propagator() propagation.TextMapPropagator { return p.prop }

// MeterProvider returns the meter provider: an SDK provider exported as EMF
// on ForceFlush when Options.MetricsWriter was set, otherwise a no-op one.
func (p *Providers) MeterProvider() metric.MeterProvider { return p.mp }

// Logger returns a Lambda-JSON-format logger writing to w at
// Options.LogLevel (INFO when unset); see NewLogger.
func (p *Providers) Logger(w io.Writer) *slog.Logger { return NewLogger(w, p.level) }

// ForceFlush exports every span ended so far (through the synchronous or the
// batch processor) and, when metrics are exported, collects the deltas since
// the previous ForceFlush and writes them as one EMF line. It blocks until
// done or ctx ends and returns the joined export errors. Call it at the end
// of every invocation, before the handler returns, with a context that
// leaves room before the deadline (an unreachable OTLP collector is retried
// for up to 5 s per batch); never call Shutdown.
func (p *Providers) ForceFlush(ctx context.Context) error {
	var errs []error
	if p.sdkTP != nil {
		if err := p.sdkTP.ForceFlush(ctx); err != nil {
			errs = append(errs, fmt.Errorf("flushing spans: %w", err))
		}
	}
	if err := p.flushMetrics(ctx); err != nil {
		errs = append(errs, fmt.Errorf("flushing metrics: %w", err))
	}
	return errors.Join(errs...)
}

// flushMetrics collects from the manual reader and exports as EMF.
func (p *Providers) flushMetrics(ctx context.Context) error {
	if p.reader == nil {
		return nil
	}
	p.flushMu.Lock()
	defer p.flushMu.Unlock()
	var rm metricdata.ResourceMetrics
	if err := p.reader.Collect(ctx, &rm); err != nil {
		return err
	}
	return p.emf.Export(ctx, &rm)
}

// Close flushes and then releases the span file. It is for short-lived
// processes (the CLI, tests) after their last span; Lambda handlers must
// never call it (see Providers). Spans ended after Close are dropped.
func (p *Providers) Close(ctx context.Context) error {
	err := p.ForceFlush(ctx)
	if p.sdkTP != nil {
		err = errors.Join(err, p.sdkTP.Shutdown(ctx))
	}
	for _, c := range p.closers {
		err = errors.Join(err, c.Close())
	}
	return err
}
