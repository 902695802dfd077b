// Package redrive re-publishes the next event of every range of a job that
// has made no progress, so that a dropped event costs time, not results.
// Redriving is idempotent: the worker drops a duplicate of a generation that
// already committed (DESIGN.md invariant 2) and the fan-in lands once, so
// redriving a job that is in fact still moving only adds duplicates.
package redrive

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/ids"
	"github.com/batonrun/baton/internal/joblog"
	"github.com/batonrun/baton/internal/ledger"
)

// Ledger is the part of the event log redrive reads. The DynamoDB and
// SQLite ledgers implement it.
type Ledger interface {
	Jobs(ctx context.Context) ([]ledger.JobSummary, error)
	List(ctx context.Context, jobID, keyPrefix string) ([]ledger.Entry, error)
	Get(ctx context.Context, jobID, key string) (ledger.Entry, error)
}

// Publisher publishes at most events.MaxEntriesPerPut events per call.
type Publisher interface {
	Publish(ctx context.Context, envs ...events.Envelope) error
}

// DefaultStalledAfter is Sweep's default threshold: three times Lambda's
// maximum timeout of 15 minutes. A running job whose last ledger entry is
// older cannot have an invocation still working on it (each invocation
// commits before its timeout), even after a retry.
const DefaultStalledAfter = 45 * time.Minute

// Options tunes Job and Sweep. The zero value means the defaults.
type Options struct {
	// StalledAfter is how old a running job's last ledger entry must be
	// before Sweep redrives it; 0 means DefaultStalledAfter. Job ignores it.
	StalledAfter time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// NewID returns event ids; nil means random ids.
	NewID func() string
}

// Validate reports a negative threshold.
func (o Options) Validate() error {
	if o.StalledAfter < 0 {
		return fmt.Errorf("redrive: StalledAfter %v is negative", o.StalledAfter)
	}
	return nil
}

func (o Options) withDefaults() Options {
	if o.StalledAfter == 0 {
		o.StalledAfter = DefaultStalledAfter
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.NewID == nil {
		o.NewID = ids.New
	}
	return o
}

// Report says what Job re-published for one job.
type Report struct {
	JobID string
	// Ended is true when the job had its terminal entry: nothing is published.
	Ended bool
	// Assigned lists the ranges re-published as RangeAssigned (no
	// checkpoint yet); Continued those re-published as RangeContinued
	// after their last checkpoint, in range order.
	Assigned, Continued []int
	// Failed lists the ranges not re-published because they failed
	// permanently (a RangeFailed entry): re-reading the same bytes would
	// fail again. Retrying them is Failed (`baton redrive JOB --failed`).
	Failed []int
	// Attempt is the attempt redriven: the newest (joblog.Keys).
	Attempt int
	// Retried lists the ranges a Failed call started its new attempt for
	// (empty when it joined an attempt already running).
	Retried []int
	// FanIn is true when every range was done or failed and FanInRequested
	// was re-published; the fan-in then decides between a partial result
	// and a failed job (events.Limits.FailuresExceeded).
	FanIn bool
}

// Published is the number of events the report's job was sent.
func (r Report) Published() int {
	n := len(r.Assigned) + len(r.Continued)
	if r.FanIn {
		n++
	}
	return n
}

// ErrNotStarted reports a job without JobStarted: the splitter never
// committed it, so there is no plan to redrive (re-send JobRequested).
var ErrNotStarted = errors.New("redrive: job has not started")

// Job re-publishes the next event of every unfinished range of jobID's
// newest attempt (the ranges its joblog.AttemptStarted lists; every range
// in attempt 0), with that attempt's number: a
// range with no checkpoint gets its RangeAssigned (from the plan), a range
// whose last checkpoint (generation g) is not done gets RangeContinued for
// generation g+1 at that checkpoint's cursor; a failed range (RangeFailed,
// not done) gets nothing; when every range is done or failed and there is
// no terminal entry, FanInRequested. An ended job gets nothing.
// Errors: ErrNotStarted (wrapped), ledger and publish errors with context.
func Job(ctx context.Context, l Ledger, bus Publisher, jobID string, o Options) (Report, error) {
	rep := Report{JobID: jobID}
	if err := o.Validate(); err != nil {
		return rep, err
	}
	o = o.withDefaults()
	attempt, as, err := joblog.NewestAttempt(ctx, l, jobID)
	if err != nil {
		return rep, err
	}
	rep.Attempt = attempt
	keys := joblog.Keys{Attempt: attempt}
	ended, err := keys.Ended(ctx, l, jobID)
	if err != nil || ended {
		rep.Ended = ended
		return rep, err
	}
	st, err := readState(ctx, l, jobID, attempt)
	if err != nil {
		return rep, err
	}
	var out []events.Detail
	for i, r := range st.ranges {
		if as != nil && !slices.Contains(as.Ranges, i) {
			continue // done in an earlier attempt
		}
		switch last, ok := st.last[i]; {
		case st.done[i]:
		case st.failed[i]:
			rep.Failed = append(rep.Failed, i)
		case !ok:
			rep.Assigned = append(rep.Assigned, i)
			out = append(out, events.RangeAssigned{SchemaVersion: events.SchemaVersion, JobID: jobID, Range: r, Spec: st.started.Spec, Attempt: attempt})
		case !last.Done:
			rep.Continued = append(rep.Continued, i)
			out = append(out, events.RangeContinued{SchemaVersion: events.SchemaVersion, JobID: jobID, Range: r,
				Spec: st.started.Spec, Generation: last.Generation + 1, CursorBytes: last.CursorBytes, BadRecordsBefore: st.bad[i], Attempt: attempt})
		}
	}
	if len(out) == 0 {
		rep.FanIn = true
		out = append(out, events.FanInRequested{SchemaVersion: events.SchemaVersion, JobID: jobID, RangeCount: st.started.RangeCount, Attempt: attempt})
	}
	return rep, publish(ctx, bus, o, out)
}

// publish sends ds in PutEvents-sized batches.
func publish(ctx context.Context, bus Publisher, o Options, ds []events.Detail) error {
	batch := make([]events.Envelope, 0, events.MaxEntriesPerPut)
	for i, d := range ds {
		env, err := events.Encode(o.NewID(), o.Now(), d)
		if err != nil {
			return err
		}
		batch = append(batch, env)
		if len(batch) == events.MaxEntriesPerPut || i == len(ds)-1 {
			if err := bus.Publish(ctx, batch...); err != nil {
				return fmt.Errorf("redrive: publishing %d events: %w", len(batch), err)
			}
			batch = batch[:0]
		}
	}
	return nil
}

// state is what a job's log says about its ranges.
type state struct {
	started events.JobStarted
	ranges  []events.Range
	last    map[int]events.CheckpointCommitted // highest generation per range
	bad     map[int]int64                      // bad records over a range's checkpoints
	done    map[int]bool
	failed  map[int]bool
}

// readState reads the plan and the given attempt's checkpoints, completions
// and failures.
func readState(ctx context.Context, l Ledger, jobID string, attempt int) (state, error) {
	st := state{last: map[int]events.CheckpointCommitted{}, bad: map[int]int64{}, done: map[int]bool{}, failed: map[int]bool{}}
	e, err := l.Get(ctx, jobID, joblog.KeyJob)
	if errors.Is(err, ledger.ErrNotFound) {
		return st, fmt.Errorf("job %s: %w", jobID, ErrNotStarted)
	} else if err != nil {
		return st, fmt.Errorf("redrive: reading job %s: %w", jobID, err)
	}
	if err := joblog.Decode(e, &st.started); err != nil {
		return st, err
	}
	all, err := l.List(ctx, jobID, "")
	if err != nil {
		return st, fmt.Errorf("redrive: reading job %s: %w", jobID, err)
	}
	st.ranges = make([]events.Range, st.started.RangeCount)
	planned := 0
	for _, e := range all {
		a, key := joblog.SplitKey(e.Key)
		if a != attempt && !strings.HasPrefix(key, joblog.PrefixPlan) {
			continue
		}
		e.Key = key
		if err := st.apply(e); err != nil {
			return st, fmt.Errorf("redrive: job %s: %w", jobID, err)
		}
		if strings.HasPrefix(e.Key, joblog.PrefixPlan) {
			planned++
		}
	}
	if planned != st.started.RangeCount {
		return st, fmt.Errorf("redrive: job %s: %d ranges planned in the log, JobStarted says %d", jobID, planned, st.started.RangeCount)
	}
	return st, nil
}

func (st *state) apply(e ledger.Entry) error {
	switch {
	case strings.HasPrefix(e.Key, joblog.PrefixPlan):
		var p events.RangePlanned
		if err := joblog.Decode(e, &p); err != nil {
			return err
		}
		if p.Range.Index < 0 || p.Range.Index >= len(st.ranges) {
			return fmt.Errorf("entry %s: range %d outside the plan of %d", e.Key, p.Range.Index, len(st.ranges))
		}
		st.ranges[p.Range.Index] = p.Range
	case strings.HasPrefix(e.Key, joblog.PrefixCkpt):
		var c events.CheckpointCommitted
		if err := joblog.Decode(e, &c); err != nil {
			return err
		}
		st.bad[c.RangeIndex] += c.BadRecords
		if prev, ok := st.last[c.RangeIndex]; !ok || c.Generation > prev.Generation {
			st.last[c.RangeIndex] = c
		}
	case strings.HasPrefix(e.Key, joblog.PrefixDone):
		var rc events.RangeCompleted
		if err := joblog.Decode(e, &rc); err != nil {
			return err
		}
		st.done[rc.RangeIndex] = true
	case strings.HasPrefix(e.Key, joblog.PrefixFailed):
		var rf events.RangeFailed
		if err := joblog.Decode(e, &rf); err != nil {
			return err
		}
		st.failed[rf.RangeIndex] = true
	}
	return nil
}
