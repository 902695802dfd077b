// Package fanin is the aggregator: once every range of a job is complete it
// checks that the ranges' record boundaries chain, merges every checkpoint's
// partial result, finalizes the query and appends the terminal JobSucceeded.
// When the job tolerates failed ranges (events.Limits.ToleratedFailureCount
// and ToleratedFailurePercent) and some failed within that tolerance, it
// merges the done ranges only and marks the result Partial, listing the
// failed ranges; over the tolerance it appends JobFailed with
// events.CodeTooManyFailures.
// The terminal append is conditional, so however often FanInRequested is
// delivered the fan-in takes effect exactly once (DESIGN.md invariant 2).
package fanin

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/failure"
	"github.com/batonrun/baton/internal/ids"
	"github.com/batonrun/baton/internal/joblog"
	"github.com/batonrun/baton/internal/ledger"
	"github.com/batonrun/baton/internal/tracectx"
)

// Ledger is the part of the event log the aggregator uses.
type Ledger interface {
	Append(ctx context.Context, jobID string, entries ...ledger.Entry) error
	Get(ctx context.Context, jobID, key string) (ledger.Entry, error)
	List(ctx context.Context, jobID, keyPrefix string) ([]ledger.Entry, error)
}

// Options tunes an Aggregator; the zero value is valid.
type Options struct {
	Now   func() time.Time // nil means time.Now
	NewID func() string    // nil means ids.New

	// Tracer starts the "baton.fanin" span; nil means otel.GetTracerProvider().
	Tracer trace.TracerProvider
	// Propagator reads FanInRequested.Trace and the RangeCompleted traces
	// the span links to; nil means otel.GetTextMapPropagator().
	Propagator propagation.TextMapPropagator
	// Meter records the baton.* metrics; nil means otel.GetMeterProvider().
	Meter metric.MeterProvider
	// Logger gets a few lines per fan-in, logged with the span's context;
	// nil means slog.Default().
	Logger *slog.Logger
}

// Aggregator handles FanInRequested. It is safe for concurrent use.
type Aggregator struct {
	ledger Ledger
	bus    joblog.Publisher
	opts   Options
	tel    *tracectx.Telemetry
}

// New builds an Aggregator.
func New(l Ledger, bus joblog.Publisher, o Options) *Aggregator {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.NewID == nil {
		o.NewID = ids.New
	}
	tel := tracectx.New("github.com/batonrun/baton/aggregate/fanin", tracectx.Providers{
		Tracer: o.Tracer, Propagator: o.Propagator, Meter: o.Meter, Logger: o.Logger})
	return &Aggregator{ledger: &conflictLedger{Ledger: l, tel: tel}, bus: tel.CountPublished(bus), opts: o, tel: tel}
}

// Handle merges the job named by a FanInRequested event. It returns nil when
// the job is finished (by this call or an earlier one), when not every range
// is done or failed yet (a later completion asks again), and when the merge
// failed permanently or too many ranges failed (recorded as JobFailed). Malformed events wrap
// events.ErrMalformed; other errors are transient.
//
// Each call is one "baton.fanin" span, ended before Handle returns: a child
// of the span that published the event, with a link to the final span of
// every range (RangeCompleted.Trace) once all ranges are done.
func (a *Aggregator) Handle(ctx context.Context, env events.Envelope) error {
	t0 := a.opts.Now()
	var req events.FanInRequested
	err := events.Decode(env, &req)
	ctx, span := a.tel.Tracer.Start(tracectx.Extract(ctx, a.tel.Propagator, req.Trace), tracectx.SpanFanIn,
		trace.WithSpanKind(trace.SpanKindConsumer))
	span.SetAttributes(tracectx.AttrJobID.String(req.JobID))
	defer tracectx.EndOnPanic(span)
	outcome := tracectx.OutcomeRefused
	if err == nil {
		outcome, err = a.handle(ctx, req)
	}
	a.tel.Metrics.Duration.Record(ctx, float64(a.opts.Now().Sub(t0).Microseconds())/1000)
	if err != nil {
		a.logger(req.JobID).ErrorContext(ctx, "fan-in failed", "outcome", outcome, "error", err)
	}
	tracectx.End(span, outcome, err)
	return err
}

func (a *Aggregator) handle(ctx context.Context, req events.FanInRequested) (string, error) {
	keys := joblog.Keys{Attempt: req.Attempt}
	if ended, err := keys.Ended(ctx, a.ledger, req.JobID); err != nil {
		return tracectx.OutcomeFailed, err
	} else if ended {
		return tracectx.OutcomeDuplicate, nil
	}
	log, err := readLog(ctx, a.ledger, req.JobID, req.Attempt)
	if err != nil {
		return tracectx.OutcomeFailed, err
	}
	span := trace.SpanFromContext(ctx)
	span.SetAttributes(tracectx.AttrRangeCount.Int(log.started.RangeCount))
	if log.finished() < log.started.RangeCount {
		a.logger(req.JobID).WarnContext(ctx, "fan-in requested before every range was done; a later completion asks again",
			"ranges", log.started.RangeCount, "ranges_done", len(log.done), "ranges_failed", len(log.failed))
		return tracectx.OutcomeRefused, nil
	}
	if jf, ok := tooManyFailures(log); ok {
		return tracectx.OutcomeFailed, a.failWith(ctx, keys, jf)
	}
	a.linkRanges(span, log)
	succeeded, err := merge(log)
	if err != nil {
		if failure.Code(err) != "" {
			return tracectx.OutcomeFailed, a.fail(ctx, keys, req.JobID, err)
		}
		return tracectx.OutcomeFailed, fmt.Errorf("job %s: fan-in: %w", req.JobID, err)
	}
	return a.finish(ctx, keys, succeeded)
}

// linkRanges links span to the final worker span of every range, in range
// order; a RangeCompleted without a valid trace adds no link.
func (a *Aggregator) linkRanges(span trace.Span, log jobLog) {
	for i := range log.started.RangeCount {
		rc, ok := log.done[i]
		if !ok {
			continue // failed
		}
		if link, ok := tracectx.Link(a.tel.Propagator, rc.Trace); ok {
			link.Attributes = []attribute.KeyValue{tracectx.AttrRangeIndex.Int(i), tracectx.AttrGeneration.Int(rc.Generations - 1)}
			span.AddLink(link)
		}
	}
}

func (a *Aggregator) finish(ctx context.Context, keys joblog.Keys, s events.JobSucceeded) (string, error) {
	landed, err := keys.FinishOnce(ctx, a.ledger, a.bus, s.JobID, a.opts.Now(), a.opts.NewID(), s)
	if err != nil {
		return tracectx.OutcomeFailed, err
	}
	if !landed {
		return tracectx.OutcomeDuplicate, nil
	}
	a.logger(s.JobID).InfoContext(ctx, "fan-in merged: job succeeded", "ranges", s.Stats.Ranges,
		"invocations", s.Stats.Invocations, "hops", s.Stats.Hops, "bytes", s.Stats.Bytes, "records", s.Stats.Records,
		"partial", s.Partial, "failed_ranges", len(s.FailedRanges), "attempt", keys.Attempt)
	return tracectx.OutcomeOK, nil
}

func (a *Aggregator) fail(ctx context.Context, keys joblog.Keys, jobID string, cause error) error {
	span := trace.SpanFromContext(ctx)
	span.RecordError(cause)
	span.SetStatus(codes.Error, cause.Error())
	a.logger(jobID).ErrorContext(ctx, "fan-in failed the job", "code", failure.Code(cause), "error", cause)
	jf := events.JobFailed{SchemaVersion: events.SchemaVersion, JobID: jobID, Code: failure.Code(cause), Reason: cause.Error(), RangeIndex: -1}
	return keys.FailJob(ctx, a.ledger, a.bus, jobID, a.opts.Now(), a.opts.NewID(), nil, jf)
}

// failWith lands jf as the job's terminal entry (once) and publishes it.
func (a *Aggregator) failWith(ctx context.Context, keys joblog.Keys, jf events.JobFailed) error {
	span := trace.SpanFromContext(ctx)
	span.SetStatus(codes.Error, jf.Reason)
	a.logger(jf.JobID).ErrorContext(ctx, "fan-in failed the job", "code", jf.Code, "reason", jf.Reason)
	return keys.Finish(ctx, a.ledger, a.bus, jf.JobID, a.opts.Now(), a.opts.NewID(), jf)
}

// tooManyFailures decides whether the failed ranges of a finished job fail
// it, and with what: without tolerance, or for a failure about the whole
// job (joblog.Tolerable), the first such range's own code and reason, as
// the worker would have written; over the tolerance,
// events.CodeTooManyFailures. ok is false when the job may merge.
func tooManyFailures(log jobLog) (events.JobFailed, bool) {
	lim, n := log.started.Spec.Limits, log.started.RangeCount
	for i := range n {
		if rf, failed := log.failed[i]; failed && (!lim.ToleratesFailures() || !joblog.Tolerable(rf.Code)) {
			return events.JobFailed{SchemaVersion: events.SchemaVersion, JobID: log.started.JobID, Code: rf.Code, Reason: rf.Reason, RangeIndex: i}, true
		}
	}
	if !lim.FailuresExceeded(len(log.failed), n) {
		return events.JobFailed{}, false
	}
	for i := range n {
		if rf, failed := log.failed[i]; failed {
			return joblog.TooManyFailures(log.started.JobID, lim, len(log.failed), n, rf), true
		}
	}
	return events.JobFailed{}, false
}

// logger is the job-level logger (range and generation -1).
func (a *Aggregator) logger(jobID string) *slog.Logger { return a.tel.JobLogger(jobID, -1, -1) }

// conflictLedger counts conditional appends that lost (baton.ledger.conflicts).
type conflictLedger struct {
	Ledger
	tel *tracectx.Telemetry
}

func (l *conflictLedger) Append(ctx context.Context, jobID string, entries ...ledger.Entry) error {
	return l.tel.CountConflict(ctx, l.Ledger.Append(ctx, jobID, entries...))
}
