package worker

import (
	"context"
	"errors"
	"fmt"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/failure"
	"github.com/batonrun/baton/internal/joblog"
	"github.com/batonrun/baton/internal/ledger"
	"github.com/batonrun/baton/internal/query"
	"github.com/batonrun/baton/internal/record"
	"github.com/batonrun/baton/internal/tracectx"
)

// run is one invocation: skip finished jobs and committed generations, scan,
// commit, then publish what the commit owes. It returns the span outcome.
func (w *Worker) run(ctx context.Context, inv invocation) (string, error) {
	t0 := w.opts.Now()
	if ended, err := inv.keys.Ended(ctx, w.ledger, inv.jobID); err != nil {
		return tracectx.OutcomeFailed, err
	} else if ended {
		return tracectx.OutcomeDuplicate, nil // an ended job ignores late or duplicate events
	}
	if err := w.verify(ctx, inv); errors.Is(err, ErrNotInPlan) {
		return tracectx.OutcomeRefused, err
	} else if err != nil {
		return tracectx.OutcomeFailed, err
	}
	committed, err := w.checkpoint(ctx, inv, inv.gen)
	if err == nil {
		return outcome(tracectx.OutcomeDuplicate, w.ensurePublished(ctx, inv, committed)) // duplicate invocation
	}
	if !errors.Is(err, ledger.ErrNotFound) {
		return tracectx.OutcomeFailed, fmt.Errorf("range %d gen %d: %w", inv.rng.Index, inv.gen, err)
	}
	if inv.gen > inv.spec.Limits.MaxHops {
		return tracectx.OutcomeFailed, w.fail(ctx, inv, fmt.Errorf("range %d: generation %d exceeds the hop cap of %d: %w",
			inv.rng.Index, inv.gen, inv.spec.Limits.MaxHops, failure.ErrHopCap))
	}
	// The reads so far (end, plan, predecessor, this generation) are about
	// as many ledger round trips as the tail makes: a floor for its
	// reserve when this container has not yet seen a tail, or the store
	// has slowed down.
	inv.tailFloor = w.opts.Now().Sub(t0)
	ckpt, reads, err := w.scan(ctx, inv)
	if err != nil {
		if failure.Code(err) != "" {
			return tracectx.OutcomeFailed, w.fail(ctx, inv, withSyncHint(inv, err))
		}
		return tracectx.OutcomeFailed, fmt.Errorf("range %d gen %d: %w", inv.rng.Index, inv.gen, err)
	}
	w.recordScan(ctx, ckpt, reads)
	// The tail (commit, then the event it owes) runs on a context that
	// outlives the invocation's own by commitTimeout (DESIGN.md invariant
	// 5), and its duration is what the deadline check keeps in reserve.
	tail, cancel := context.WithTimeout(context.WithoutCancel(ctx), commitTimeout)
	defer cancel()
	tailStart := w.opts.Now()
	won, mine, err := w.commitCheckpoint(tail, inv, ckpt)
	if err != nil {
		return tracectx.OutcomeFailed, err
	}
	if mine {
		w.recordCommit(tail, inv, won)
	}
	if mine && !won.Done {
		err = w.publishNext(tail, inv, won) // nobody else can have published it yet
	} else {
		err = w.ensurePublished(tail, inv, won)
	}
	w.commit.observe(w.opts.Now().Sub(tailStart))
	if !mine {
		return outcome(tracectx.OutcomeDuplicate, err)
	}
	return outcome(tracectx.OutcomeOK, err)
}

// outcome is want, or failed when err is not nil.
func outcome(want string, err error) (string, error) {
	if err != nil {
		return tracectx.OutcomeFailed, err
	}
	return want, nil
}

// checkpoint reads the committed checkpoint of (job, range, gen).
func (w *Worker) checkpoint(ctx context.Context, inv invocation, gen int) (events.CheckpointCommitted, error) {
	var c events.CheckpointCommitted
	e, err := w.ledger.Get(ctx, inv.jobID, inv.keys.Ckpt(inv.rng.Index, gen))
	if err != nil {
		return c, err
	}
	if err := joblog.Decode(e, &c); err != nil {
		return c, fmt.Errorf("%w: %w", failure.ErrPermanent, err)
	}
	return c, nil
}

// ensurePublished publishes the event a committed checkpoint owes: the next
// generation's RangeContinued unless that generation already committed, or,
// for a finished range, FanInRequested when every range is done.
func (w *Worker) ensurePublished(ctx context.Context, inv invocation, c events.CheckpointCommitted) error {
	if c.Done {
		return w.maybeFanIn(ctx, inv)
	}
	_, err := w.checkpoint(ctx, inv, c.Generation+1)
	if err == nil {
		return nil // the successor ran, so it received the event
	}
	if !errors.Is(err, ledger.ErrNotFound) {
		return fmt.Errorf("range %d gen %d: %w", inv.rng.Index, inv.gen, err)
	}
	return w.publishNext(ctx, inv, c)
}

// publishNext publishes the RangeContinued that hands on the rest of the
// range after checkpoint c.
func (w *Worker) publishNext(ctx context.Context, inv invocation, c events.CheckpointCommitted) error {
	next := events.RangeContinued{
		SchemaVersion: events.SchemaVersion, JobID: inv.jobID, Range: inv.rng, Spec: inv.spec,
		Generation: c.Generation + 1, CursorBytes: c.CursorBytes, Trace: w.tel.Inject(ctx),
		BadRecordsBefore: inv.badBefore + c.BadRecords, Attempt: inv.keys.Attempt,
	}
	if err := w.publish(ctx, next); err != nil {
		return err
	}
	w.tel.Metrics.Hops.Add(ctx, 1)
	w.logger(inv).InfoContext(ctx, "range handed on", "cursor_bytes", c.CursorBytes, "next_generation", next.Generation)
	return nil
}

// maybeFanIn publishes FanInRequested when every range of the attempt
// (attempt 0: every planned range; a later one: the ranges its
// AttemptStarted retries) is done, or, when the job tolerates failures,
// done or failed: the fan-in then decides between a partial result and too
// many failures.
func (w *Worker) maybeFanIn(ctx context.Context, inv invocation) error {
	started, _, err := w.started.get(ctx, w.ledger, inv.jobID)
	if err != nil {
		return err
	}
	want, err := w.attemptRanges(ctx, inv, started)
	if err != nil {
		return err
	}
	done, err := w.ledger.Count(ctx, inv.jobID, inv.keys.PrefixDone())
	if err != nil {
		return fmt.Errorf("counting finished ranges: %w", err)
	}
	if inv.spec.Limits.ToleratesFailures() {
		failed, err := w.ledger.Count(ctx, inv.jobID, inv.keys.PrefixFailed())
		if err != nil {
			return fmt.Errorf("counting failed ranges: %w", err)
		}
		done += failed
	}
	if done < want {
		return nil
	}
	w.logger(inv).InfoContext(ctx, "every range done: requesting the fan-in", "ranges", started.RangeCount)
	return w.publish(ctx, events.FanInRequested{SchemaVersion: events.SchemaVersion, JobID: inv.jobID, RangeCount: started.RangeCount, Trace: w.tel.Inject(ctx), Attempt: inv.keys.Attempt})
}

func (w *Worker) publish(ctx context.Context, d events.Detail) error {
	return joblog.Publish(ctx, w.bus, w.opts.NewID(), w.opts.Now(), d)
}

// withSyncHint explains a malformed CSV record found by a range that found
// its first record by looking for a line break: the real cause may be a
// quoted field containing a line break that the range boundary split, in a
// valid file. The fan-in's boundary check names such splits when the
// ranges parse; this covers the ranges that cannot.
// Only a record that does not parse gets the hint: a value the query
// cannot use, or a count over --max-bad-records, is not about boundaries.
func withSyncHint(inv invocation, err error) error {
	var recErr *record.RecordError
	var tooLarge *record.RecordTooLargeError
	var valErr *query.ValueError
	if inv.spec.Format.Kind != "csv" || inv.rng.OffsetBytes == 0 || (!errors.As(err, &recErr) && !errors.As(err, &tooLarge) && !errors.As(err, &valErr)) {
		return err
	}
	return fmt.Errorf("%w (range %d starts at byte %d and began at the first line break after it; if quoted fields contain line breaks, one may cross that boundary: use a larger --range-size)",
		err, inv.rng.Index, inv.rng.OffsetBytes)
}

// attemptRanges is how many ranges inv's attempt runs: every planned range
// in attempt 0, the retried ones in a later attempt.
func (w *Worker) attemptRanges(ctx context.Context, inv invocation, started events.JobStarted) (int, error) {
	if inv.keys.Attempt == 0 {
		return started.RangeCount, nil
	}
	as, err := joblog.ReadAttempt(ctx, w.ledger, inv.jobID, inv.keys.Attempt)
	if err != nil {
		return 0, err
	}
	return len(as.Ranges), nil
}
