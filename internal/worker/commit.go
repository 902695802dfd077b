package worker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/failure"
	"github.com/batonrun/baton/internal/joblog"
	"github.com/batonrun/baton/internal/ledger"
)

// commitTimeout bounds the commit and publish made after the invocation's
// own context is near its end (DESIGN.md invariant 5: commit with a context
// still alive).
const commitTimeout = 10 * time.Second

// commitCheckpoint appends the checkpoint, and RangeCompleted with it when
// the range is done, in one conditional write. mine reports that this
// append landed; if a duplicate invocation committed this generation
// first, it returns that winner's checkpoint and mine is false.
func (w *Worker) commitCheckpoint(ctx context.Context, inv invocation, ck events.CheckpointCommitted) (won events.CheckpointCommitted, mine bool, err error) {
	entries, err := w.commitEntries(ctx, inv, ck)
	if err != nil {
		return ck, false, err
	}
	err = w.ledger.Append(ctx, inv.jobID, entries...)
	if errors.Is(err, ledger.ErrConflict) {
		won, gerr := w.checkpoint(ctx, inv, inv.gen)
		if gerr != nil {
			return ck, false, fmt.Errorf("range %d gen %d: reading the winning checkpoint: %w", inv.rng.Index, inv.gen, gerr)
		}
		return won, false, nil
	}
	if err != nil {
		return ck, false, fmt.Errorf("range %d gen %d: committing checkpoint: %w", inv.rng.Index, inv.gen, err)
	}
	return ck, true, nil
}

func (w *Worker) commitEntries(ctx context.Context, inv invocation, ck events.CheckpointCommitted) ([]ledger.Entry, error) {
	at := w.opts.Now()
	if inv.gen > 0 && ck.Done { // only the range's end needs the sync point, for RangeCompleted
		first, err := w.checkpoint(ctx, inv, 0)
		if err != nil {
			return nil, fmt.Errorf("range %d: reading generation 0: %w", inv.rng.Index, err)
		}
		ck.FirstRecordBytes = first.FirstRecordBytes
	}
	e, err := joblog.NewEntry(inv.jobID, inv.keys.Ckpt(inv.rng.Index, inv.gen), at, ck)
	if err != nil {
		return nil, err
	}
	entries := []ledger.Entry{e}
	if ck.Done {
		done := events.RangeCompleted{
			SchemaVersion: events.SchemaVersion, JobID: inv.jobID, RangeIndex: inv.rng.Index,
			Generations: inv.gen + 1, FirstRecordBytes: ck.FirstRecordBytes, NextRecordBytes: ck.CursorBytes,
			Trace: w.tel.Inject(ctx), // the fan-in links to this, the range's final span
		}
		d, err := joblog.NewEntry(inv.jobID, inv.keys.Done(inv.rng.Index), at, done)
		if err != nil {
			return nil, err
		}
		entries = append(entries, d)
	}
	return entries, nil
}

// fail records a permanent range failure. Without tolerated failures
// (events.Limits.ToleratesFailures), or for a failure about the whole job
// (joblog.Tolerable), it fails the job: RangeFailed, then the terminal
// JobFailed (conditional, so only the first failure lands), then publishes
// JobFailed. With tolerance it calls tolerate. It returns nil once
// recorded: retrying cannot help.
func (w *Worker) fail(ctx context.Context, inv invocation, cause error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), commitTimeout)
	defer cancel()
	code := failure.Code(cause)
	if code == "" {
		code = events.CodeInternal
	}
	at := w.opts.Now()
	rf := events.RangeFailed{SchemaVersion: events.SchemaVersion, JobID: inv.jobID, RangeIndex: inv.rng.Index, Generation: inv.gen, Code: code, Reason: cause.Error()}
	jf := events.JobFailed{SchemaVersion: events.SchemaVersion, JobID: inv.jobID, Code: code, Reason: cause.Error(), RangeIndex: inv.rng.Index}
	span := trace.SpanFromContext(ctx)
	span.RecordError(cause)
	span.SetStatus(codes.Error, cause.Error())
	w.logger(inv).ErrorContext(ctx, "range failed", "code", code, "error", cause)
	if inv.spec.Limits.ToleratesFailures() && joblog.Tolerable(code) {
		return w.tolerate(ctx, inv, rf)
	}
	return inv.keys.FailJob(ctx, w.ledger, w.bus, inv.jobID, at, w.opts.NewID(), &rf, jf)
}

// tolerate records a range failure the job may tolerate: RangeFailed
// (conditional: a duplicate changes nothing), then, when the failed ranges
// now exceed the tolerance, the terminal JobFailed with
// events.CodeTooManyFailures; otherwise, like a finished range, it
// requests the fan-in when every range is done or failed. A range that is
// already done (a duplicate invocation that failed where the winner did
// not) records nothing: its results stand.
func (w *Worker) tolerate(ctx context.Context, inv invocation, rf events.RangeFailed) error {
	if _, err := w.ledger.Get(ctx, inv.jobID, inv.keys.Done(inv.rng.Index)); err == nil {
		return w.maybeFanIn(ctx, inv)
	} else if !errors.Is(err, ledger.ErrNotFound) {
		return fmt.Errorf("range %d: reading its completion: %w", inv.rng.Index, err)
	}
	at := w.opts.Now()
	e, err := joblog.NewEntry(inv.jobID, inv.keys.Failed(inv.rng.Index), at, rf)
	if err != nil {
		return err
	}
	if err := w.ledger.Append(ctx, inv.jobID, e); err != nil && !errors.Is(err, ledger.ErrConflict) {
		return fmt.Errorf("recording range %d failure: %w", inv.rng.Index, err)
	}
	started, _, err := w.started.get(ctx, w.ledger, inv.jobID)
	if err != nil {
		return err
	}
	failed, err := w.ledger.Count(ctx, inv.jobID, inv.keys.PrefixFailed())
	if err != nil {
		return fmt.Errorf("counting failed ranges: %w", err)
	}
	if inv.spec.Limits.FailuresExceeded(failed, started.RangeCount) {
		jf := joblog.TooManyFailures(inv.jobID, inv.spec.Limits, failed, started.RangeCount, rf)
		w.logger(inv).ErrorContext(ctx, "too many failed ranges: job failed", "failed", failed, "ranges", started.RangeCount)
		return inv.keys.Finish(ctx, w.ledger, w.bus, inv.jobID, at, w.opts.NewID(), jf)
	}
	return w.maybeFanIn(ctx, inv)
}
