package splitter

import (
	"context"

	"go.opentelemetry.io/otel/trace"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/ledger"
	"github.com/batonrun/baton/internal/tracectx"
)

// startSpan starts the "baton.split" span: a new root for an S3 upload
// (nobody traced the upload), else a child of the trace JobRequested
// carries, or a new root when it carries none. A new root asks for a trace
// id seeded by the job id and the event's time, so that a redelivered start
// event (which republishes the plan) stays in the job's one trace.
func (s *Splitter) startSpan(ctx context.Context, env events.Envelope, req events.JobRequested, jobID string) (context.Context, trace.Span) {
	opts := []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindConsumer)}
	remote := trace.SpanContextFromContext(tracectx.Extract(context.Background(), s.tel.Propagator, req.Trace))
	if env.Source == events.SourceS3 || !remote.IsValid() {
		opts = append(opts, trace.WithNewRoot()) // ignore any span ctx holds
		ctx = tracectx.WithRootSeed(ctx, tracectx.RootSeed{Seed: jobID, At: env.Time})
	} else {
		ctx = tracectx.Extract(ctx, s.tel.Propagator, req.Trace)
	}
	return s.tel.Tracer.Start(ctx, tracectx.SpanSplit, opts...)
}

// conflictLedger counts conditional appends that lost (baton.ledger.conflicts).
type conflictLedger struct {
	Ledger
	tel *tracectx.Telemetry
}

func (l *conflictLedger) Append(ctx context.Context, jobID string, entries ...ledger.Entry) error {
	return l.tel.CountConflict(ctx, l.Ledger.Append(ctx, jobID, entries...))
}
