package redrive

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/joblog"
	"github.com/batonrun/baton/internal/ledger"
)

// ErrNothingToRetry reports a Failed call on a job whose newest attempt did
// not end with a partial result: it is whole, failed, or (attempt 0)
// still running. The wrapping error says which.
var ErrNothingToRetry = errors.New("redrive --failed: nothing to retry")

// AppendLedger is Ledger with conditional appends, for Failed.
type AppendLedger interface {
	Ledger
	Append(ctx context.Context, jobID string, entries ...ledger.Entry) error
}

// Failed retries the failed ranges of a job whose newest attempt a ended
// with a partial result (JobSucceeded.Partial): it appends attempt a+1's
// joblog.AttemptStarted (conditional: of two concurrent calls one lands,
// and the other joins it) listing those ranges, then publishes
// RangeAssigned{Attempt: a+1} for each (Job). The fan-in of attempt a+1
// merges every range exactly once, from the attempt that completed it, and
// writes attempt a+1's terminal entry: the job's new result.
//
// A call while a retry attempt (a >= 1) is still running joins it: it
// redrives that attempt as Job does, and Report.Retried is empty. On a job
// whose newest attempt is whole, failed, or is attempt 0 still running, it
// returns ErrNothingToRetry (wrapped, naming the state) and publishes
// nothing. Other errors: ErrNotStarted (wrapped), ledger and publish
// errors with context.
func Failed(ctx context.Context, l AppendLedger, bus Publisher, jobID string, o Options) (Report, error) {
	rep := Report{JobID: jobID}
	if err := o.Validate(); err != nil {
		return rep, err
	}
	o = o.withDefaults()
	if _, err := l.Get(ctx, jobID, joblog.KeyJob); errors.Is(err, ledger.ErrNotFound) {
		return rep, fmt.Errorf("job %s: %w", jobID, ErrNotStarted)
	} else if err != nil {
		return rep, fmt.Errorf("redrive: reading job %s: %w", jobID, err)
	}
	attempt, _, err := joblog.NewestAttempt(ctx, l, jobID)
	if err != nil {
		return rep, err
	}
	rep.Attempt = attempt
	partial, err := partialResult(ctx, l, jobID, attempt)
	if errors.Is(err, errRunning) && attempt > 0 {
		return Job(ctx, l, bus, jobID, o) // join the retry already running
	} else if err != nil {
		return rep, err
	}
	as := joblog.AttemptStarted{SchemaVersion: events.SchemaVersion, JobID: jobID, Attempt: attempt + 1}
	for _, f := range partial.FailedRanges {
		as.Ranges = append(as.Ranges, f.RangeIndex)
	}
	slices.Sort(as.Ranges)
	e, err := joblog.NewEntry(jobID, joblog.AttemptKey(as.Attempt), o.Now(), as)
	if err != nil {
		return rep, err
	}
	if err := l.Append(ctx, jobID, e); err != nil && !errors.Is(err, ledger.ErrConflict) {
		return rep, fmt.Errorf("redrive: job %s: starting attempt %d: %w", jobID, as.Attempt, err)
	} else if err == nil {
		rep.Retried = as.Ranges
	}
	jr, err := Job(ctx, l, bus, jobID, o)
	jr.Retried = rep.Retried
	return jr, err
}

var errRunning = errors.New("running")

// partialResult is attempt's terminal JobSucceeded when it is partial;
// otherwise an error wrapping ErrNothingToRetry (or errRunning too when
// the attempt has no terminal entry yet).
func partialResult(ctx context.Context, l Ledger, jobID string, attempt int) (events.JobSucceeded, error) {
	var js events.JobSucceeded
	e, err := l.Get(ctx, jobID, joblog.Keys{Attempt: attempt}.Terminal())
	switch {
	case errors.Is(err, ledger.ErrNotFound):
		return js, fmt.Errorf("job %s: %w: attempt %d is still running (%w); redrive it without --failed if it stalled", jobID, ErrNothingToRetry, attempt, errRunning)
	case err != nil:
		return js, fmt.Errorf("redrive: reading job %s: %w", jobID, err)
	case e.DetailType == events.TypeJobFailed:
		return js, fmt.Errorf("job %s: %w: the job failed (see `baton status %s`); only a partial result has failed ranges to retry", jobID, ErrNothingToRetry, jobID)
	}
	if err := joblog.Decode(e, &js); err != nil {
		return js, err
	}
	if !js.Partial || len(js.FailedRanges) == 0 {
		return js, fmt.Errorf("job %s: %w: its result is whole (no failed ranges)", jobID, ErrNothingToRetry)
	}
	return js, nil
}
