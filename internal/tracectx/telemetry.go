package tracectx

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/ledger"
)

// Span names, one span per handler invocation.
const (
	SpanSplit = "baton.split"
	SpanRange = "baton.range"
	SpanFanIn = "baton.fanin"
)

// Attribute keys (the tracing contract of issue 4).
const (
	AttrJobID       = attribute.Key("baton.job.id")
	AttrRangeIndex  = attribute.Key("baton.range.index")
	AttrGeneration  = attribute.Key("baton.generation")
	AttrCursorStart = attribute.Key("baton.cursor.start_bytes")
	AttrCursorEnd   = attribute.Key("baton.cursor.end_bytes")
	AttrBytes       = attribute.Key("baton.bytes")
	AttrRecords     = attribute.Key("baton.records")
	AttrCache       = attribute.Key("baton.cache")
	AttrStopReason  = attribute.Key("baton.stop_reason")
	AttrRangeCount  = attribute.Key("baton.range.count")
	AttrOutcome     = attribute.Key("baton.outcome")
)

// Values of AttrOutcome and AttrCache.
const (
	OutcomeOK        = "ok"        // the invocation did its work
	OutcomeDuplicate = "duplicate" // a redelivery: the work was already done
	OutcomeFailed    = "failed"    // the job failed, or a transient error (status Error)
	OutcomeRefused   = "refused"   // the event was malformed or not part of the job
	CacheHit         = "hit"       // some read came from the warm cache
	CacheMiss        = "miss"      // a cache was there, and no read hit it
	CacheNone        = "none"      // no cache, or no read
)

// Providers are the telemetry ports of a handler's Options. A nil field
// means the otel global (otel.GetTracerProvider, otel.GetTextMapPropagator,
// otel.GetMeterProvider; no-ops until observability/ sets them) or
// slog.Default() for Logger.
type Providers struct {
	Tracer     trace.TracerProvider
	Propagator propagation.TextMapPropagator
	Meter      metric.MeterProvider
	Logger     *slog.Logger
}

// Telemetry is the resolved handles of one handler. Safe for concurrent
// use (the OpenTelemetry API and slog are).
type Telemetry struct {
	Tracer     trace.Tracer
	Propagator propagation.TextMapPropagator
	Logger     *slog.Logger
	Metrics    Metrics
}

// New resolves p for the instrumentation scope name (the package path).
// Instrument creation errors go to otel.Handle; the instruments the
// provider returned are used anyway (the API returns usable ones).
func New(scope string, p Providers) *Telemetry {
	if p.Tracer == nil {
		p.Tracer = otel.GetTracerProvider()
	}
	if p.Propagator == nil {
		p.Propagator = otel.GetTextMapPropagator()
	}
	if p.Meter == nil {
		p.Meter = otel.GetMeterProvider()
	}
	if p.Logger == nil {
		p.Logger = slog.Default()
	}
	return &Telemetry{
		Tracer:     p.Tracer.Tracer(scope),
		Propagator: p.Propagator,
		Logger:     p.Logger,
		Metrics:    newMetrics(p.Meter.Meter(scope)),
	}
}

// Inject is Inject(ctx, t.Propagator).
func (t *Telemetry) Inject(ctx context.Context) *events.Trace { return Inject(ctx, t.Propagator) }

// JobLogger is Logger with the job's attributes: job_id, range and
// generation. Job-level lines (splitter, fan-in) pass range -1 and
// generation -1, as events.JobFailed uses range -1 for the whole job.
func (t *Telemetry) JobLogger(jobID string, rangeIndex, generation int) *slog.Logger {
	return t.Logger.With("job_id", jobID, "range", rangeIndex, "generation", generation)
}

// End ends span with its outcome; a non-nil err is recorded on the span
// with status Error.
func End(span trace.Span, outcome string, err error) {
	span.SetAttributes(AttrOutcome.String(outcome))
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	span.End()
}

// EndOnPanic ends span as failed when a panic is unwinding, then lets the
// panic go on (the Lambda runtime reports it); use it deferred right after
// starting a handler's span, so a panicking invocation still leaves its
// span.
func EndOnPanic(span trace.Span) {
	if r := recover(); r != nil {
		End(span, OutcomeFailed, fmt.Errorf("panic: %v", r))
		panic(r)
	}
}

// Publisher is the bus port the handlers share (joblog.Publisher's shape).
type Publisher interface {
	Publish(ctx context.Context, envs ...events.Envelope) error
}

// CountPublished wraps next so that every event it accepts counts in
// baton.events.published.
func (t *Telemetry) CountPublished(next Publisher) Publisher {
	return &countedBus{next: next, published: t.Metrics.Published}
}

type countedBus struct {
	next      Publisher
	published metric.Int64Counter
}

func (b *countedBus) Publish(ctx context.Context, envs ...events.Envelope) error {
	if err := b.next.Publish(ctx, envs...); err != nil {
		return err
	}
	b.published.Add(ctx, int64(len(envs)))
	return nil
}

// CountConflict counts err in baton.ledger.conflicts when it is a lost
// conditional write (ledger.ErrConflict), and returns it unchanged.
func (t *Telemetry) CountConflict(ctx context.Context, err error) error {
	if errors.Is(err, ledger.ErrConflict) {
		t.Metrics.Conflicts.Add(ctx, 1)
	}
	return err
}
