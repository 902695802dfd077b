package worker

import (
	"context"
	"log/slog"
	"sync/atomic"

	"go.opentelemetry.io/otel/trace"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/ledger"
	"github.com/batonrun/baton/internal/tracectx"
)

// startSpan starts the invocation's "baton.range" span as a child of the
// span that published the event; decoded is false for a malformed event,
// whose span gets no range attributes.
func (w *Worker) startSpan(ctx context.Context, inv invocation, decoded bool) (context.Context, trace.Span) {
	ctx = tracectx.Extract(ctx, w.tel.Propagator, inv.trace)
	ctx, span := w.tel.Tracer.Start(ctx, tracectx.SpanRange, trace.WithSpanKind(trace.SpanKindConsumer))
	span.SetAttributes(tracectx.AttrJobID.String(inv.jobID))
	if decoded {
		span.SetAttributes(tracectx.AttrRangeIndex.Int(inv.rng.Index), tracectx.AttrGeneration.Int(inv.gen),
			tracectx.AttrCursorStart.Int64(inv.cursor))
	}
	return ctx, span
}

func (w *Worker) logger(inv invocation) *slog.Logger {
	return w.tel.JobLogger(inv.jobID, inv.rng.Index, inv.gen)
}

// recordScan puts what the scan did on the span and counts its reads.
func (w *Worker) recordScan(ctx context.Context, ck events.CheckpointCommitted, reads *countingReader) {
	n := reads.reads.Load()
	cache := tracectx.CacheNone
	switch {
	case ck.CacheHits > 0:
		cache = tracectx.CacheHit
	case reads.cached() && n > 0:
		cache = tracectx.CacheMiss
	}
	trace.SpanFromContext(ctx).SetAttributes(
		tracectx.AttrCursorEnd.Int64(ck.CursorBytes), tracectx.AttrBytes.Int64(ck.Bytes),
		tracectx.AttrRecords.Int64(ck.Records), tracectx.AttrCache.String(cache),
		tracectx.AttrStopReason.String(ck.Stop))
	if reads.cached() {
		w.tel.Metrics.CacheHits.Add(ctx, ck.CacheHits)
		w.tel.Metrics.CacheMisses.Add(ctx, max(0, n-ck.CacheHits))
	}
}

// recordCommit counts a checkpoint this invocation committed.
func (w *Worker) recordCommit(ctx context.Context, inv invocation, ck events.CheckpointCommitted) {
	w.tel.Metrics.Bytes.Add(ctx, ck.Bytes)
	w.tel.Metrics.Records.Add(ctx, ck.Records)
	if ck.Done {
		w.logger(inv).InfoContext(ctx, "range done", "generations", inv.gen+1, "cursor_bytes", ck.CursorBytes,
			"bytes", ck.Bytes, "records", ck.Records)
	}
}

// hitReader is an ObjectReader that says whether a read came from the warm
// cache (objstore/cache.Cache).
type hitReader interface {
	ReadRangeHit(ctx context.Context, obj events.ObjectRef, offsetBytes, lengthBytes int64) ([]byte, bool, error)
}

// countingReader counts the reads of one invocation. It always offers
// ReadRangeHit, reporting no hit when next has no cache. Safe for
// concurrent use.
type countingReader struct {
	next  ObjectReader
	hr    hitReader
	reads atomic.Int64
}

func newCountingReader(next ObjectReader) *countingReader {
	hr, _ := next.(hitReader)
	return &countingReader{next: next, hr: hr}
}

func (c *countingReader) cached() bool { return c.hr != nil }

func (c *countingReader) ReadRange(ctx context.Context, obj events.ObjectRef, offsetBytes, lengthBytes int64) ([]byte, error) {
	c.reads.Add(1)
	return c.next.ReadRange(ctx, obj, offsetBytes, lengthBytes)
}

func (c *countingReader) ReadRangeHit(ctx context.Context, obj events.ObjectRef, offsetBytes, lengthBytes int64) ([]byte, bool, error) {
	if c.hr == nil {
		b, err := c.ReadRange(ctx, obj, offsetBytes, lengthBytes)
		return b, false, err
	}
	c.reads.Add(1)
	return c.hr.ReadRangeHit(ctx, obj, offsetBytes, lengthBytes)
}

// conflictLedger counts conditional appends that lost (baton.ledger.conflicts).
type conflictLedger struct {
	Ledger
	tel *tracectx.Telemetry
}

func (l *conflictLedger) Append(ctx context.Context, jobID string, entries ...ledger.Entry) error {
	return l.tel.CountConflict(ctx, l.Ledger.Append(ctx, jobID, entries...))
}
