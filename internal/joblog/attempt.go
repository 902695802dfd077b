package joblog

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/ledger"
)

// Attempts. Attempt 0 is a job's first run, under the keys of the package
// doc. `baton redrive JOB --failed` starts attempt a = (newest attempt)+1
// with the conditional entry AttemptKey(a) (AttemptStarted: the ranges to
// retry), and every key of attempt a > 0 is namespaced under
// "attempt/00000a/" (Keys.Attempt), so it never collides with an earlier
// attempt's:
//
//	attempt/000001                      AttemptStarted (once per attempt)
//	attempt/000001/ckpt/000003/000000   CheckpointCommitted
//	attempt/000001/done/000003          RangeCompleted
//	attempt/000001/failed/000003        RangeFailed
//	attempt/000001/terminal             JobSucceeded or JobFailed of attempt 1
//
// The newest attempt's terminal entry is the job's state; older ones stay
// in the log as history.
const PrefixAttempt = "attempt/"

// AttemptKey is the key of attempt a's AttemptStarted entry.
func AttemptKey(a int) string { return fmt.Sprintf("%s%06d", PrefixAttempt, a) }

// AttemptStarted is the ledger entry that opens attempt Attempt (>= 1) of a
// job: the ranges it retries, in ascending order. It is a ledger record
// only, never published on the bus.
type AttemptStarted struct {
	SchemaVersion int    `json:"schemaVersion"`
	JobID         string `json:"jobId"`
	Attempt       int    `json:"attempt"`
	Ranges        []int  `json:"ranges"`
}

// TypeAttemptStarted is AttemptStarted's detail-type in the ledger.
const TypeAttemptStarted = "AttemptStarted"

func (AttemptStarted) Type() string { return TypeAttemptStarted }

// Validate checks id, attempt and ranges (non-empty, ascending, >= 0).
func (a AttemptStarted) Validate() error {
	var errs []error
	if a.JobID == "" {
		errs = append(errs, errors.New("jobId is required"))
	}
	if a.Attempt < 1 || a.Attempt > MaxIndex {
		errs = append(errs, fmt.Errorf("attempt %d: want 1..%d", a.Attempt, MaxIndex))
	}
	if len(a.Ranges) == 0 || !slices.IsSorted(a.Ranges) || a.Ranges[0] < 0 {
		errs = append(errs, fmt.Errorf("ranges %v: want a non-empty ascending list of indexes >= 0", a.Ranges))
	}
	return errors.Join(errs...)
}

// Keys builds the ledger keys of one attempt of a job. The zero value is
// attempt 0, whose keys are the package-level ones (CkptKey, DoneKey…).
type Keys struct{ Attempt int }

func (k Keys) ns() string {
	if k.Attempt == 0 {
		return ""
	}
	return AttemptKey(k.Attempt) + "/"
}

// Ckpt is the key of range i's checkpoint of generation g in this attempt.
func (k Keys) Ckpt(i, g int) string { return k.ns() + CkptKey(i, g) }

// Done is the key of range i's RangeCompleted in this attempt.
func (k Keys) Done(i int) string { return k.ns() + DoneKey(i) }

// Failed is the key of range i's RangeFailed in this attempt.
func (k Keys) Failed(i int) string { return k.ns() + FailedKey(i) }

// Terminal is the key of this attempt's terminal entry.
func (k Keys) Terminal() string { return k.ns() + KeyTerminal }

// PrefixCkpt, PrefixDone and PrefixFailed are this attempt's prefixes for
// ledger List and Count calls.
func (k Keys) PrefixCkpt() string   { return k.ns() + PrefixCkpt }
func (k Keys) PrefixDone() string   { return k.ns() + PrefixDone }
func (k Keys) PrefixFailed() string { return k.ns() + PrefixFailed }

// SplitKey splits a ledger key into its attempt and the attempt-0 form of
// the key: "attempt/000002/done/000001" is (2, "done/000001"). An attempt's
// own AttemptStarted key "attempt/000002" is (2, ""). Other keys are
// attempt 0, unchanged.
func SplitKey(key string) (attempt int, rest string) {
	s, ok := strings.CutPrefix(key, PrefixAttempt)
	if !ok {
		return 0, key
	}
	num, rest, _ := strings.Cut(s, "/")
	a, err := strconv.Atoi(num)
	if err != nil {
		return 0, key
	}
	return a, rest
}

// NewestAttempt reads the newest attempt of a job: 0 with a nil
// AttemptStarted when no redrive --failed started one.
func NewestAttempt(ctx context.Context, l Lister, jobID string) (int, *AttemptStarted, error) {
	entries, err := l.List(ctx, jobID, PrefixAttempt)
	if err != nil {
		return 0, nil, fmt.Errorf("job %s: listing attempts: %w", jobID, err)
	}
	var newest *AttemptStarted
	for _, e := range entries {
		if a, rest := SplitKey(e.Key); rest != "" || a == 0 || (newest != nil && a <= newest.Attempt) {
			continue
		}
		var as AttemptStarted
		if err := Decode(e, &as); err != nil {
			return 0, nil, err
		}
		newest = &as
	}
	if newest == nil {
		return 0, nil, nil
	}
	return newest.Attempt, newest, nil
}

// ReadAttempt reads attempt a's AttemptStarted (a >= 1).
func ReadAttempt(ctx context.Context, l Getter, jobID string, a int) (AttemptStarted, error) {
	var as AttemptStarted
	e, err := l.Get(ctx, jobID, AttemptKey(a))
	if err != nil {
		return as, fmt.Errorf("job %s: reading attempt %d: %w", jobID, a, err)
	}
	return as, Decode(e, &as)
}

// Lister lists ledger entries by key prefix.
type Lister interface {
	List(ctx context.Context, jobID, keyPrefix string) ([]ledger.Entry, error)
}

// ListAs lists jobID's entries under prefix, in l's order (append order for
// the ledgers here), and decodes
// each as a T (a detail such as events.RangeCompleted). Errors: l's,
// wrapped with what the entries are (e.g. "checkpoints of attempt 2"), and
// Decode's for an entry of another detail-type or a malformed one.
func ListAs[T any, P interface {
	*T
	events.Detail
}](ctx context.Context, l Lister, jobID, prefix, what string) ([]T, error) {
	es, err := l.List(ctx, jobID, prefix)
	if err != nil {
		return nil, fmt.Errorf("job %s: listing %s: %w", jobID, what, err)
	}
	out := make([]T, len(es))
	for i, e := range es {
		if err := Decode(e, P(&out[i])); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Ended reports whether this attempt has its terminal entry.
func (k Keys) Ended(ctx context.Context, l Getter, jobID string) (bool, error) {
	_, err := l.Get(ctx, jobID, k.Terminal())
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, ledger.ErrNotFound):
		return false, nil
	}
	return false, fmt.Errorf("job %s: reading its state: %w", jobID, err)
}

// FinishOnce is the package FinishOnce for this attempt's terminal entry.
func (k Keys) FinishOnce(ctx context.Context, l Appender, bus Publisher, jobID string, at time.Time, eventID string, d events.Detail) (bool, error) {
	e, err := NewEntry(jobID, k.Terminal(), at, d)
	if err != nil {
		return false, err
	}
	if err := l.Append(ctx, jobID, e); errors.Is(err, ledger.ErrConflict) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("job %s: recording %s: %w", jobID, d.Type(), err)
	}
	return true, Publish(ctx, bus, eventID, at, d)
}

// Finish is FinishOnce without the report.
func (k Keys) Finish(ctx context.Context, l Appender, bus Publisher, jobID string, at time.Time, eventID string, d events.Detail) error {
	_, err := k.FinishOnce(ctx, l, bus, jobID, at, eventID, d)
	return err
}

// FailJob is the package FailJob for this attempt's keys.
func (k Keys) FailJob(ctx context.Context, l Appender, bus Publisher, jobID string, at time.Time, eventID string, rf *events.RangeFailed, jf events.JobFailed) error {
	if rf != nil {
		e, err := NewEntry(jobID, k.Failed(rf.RangeIndex), at, rf)
		if err != nil {
			return err
		}
		if err := l.Append(ctx, jobID, e); err != nil && !errors.Is(err, ledger.ErrConflict) {
			return fmt.Errorf("recording range %d failure: %w", rf.RangeIndex, err)
		}
	}
	return k.Finish(ctx, l, bus, jobID, at, eventID, jf)
}
