package joblog

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/ledger"
)

// Publisher publishes events to the bus.
type Publisher interface {
	Publish(ctx context.Context, envs ...events.Envelope) error
}

// Appender appends ledger entries.
type Appender interface {
	Append(ctx context.Context, jobID string, entries ...ledger.Entry) error
}

// FailJob appends rf (when not nil) and the terminal jf, each conditionally,
// then publishes jf. A terminal entry that already exists is not an error:
// the job had already ended and jf is dropped. Callers waiting for the end
// of a job should also read the terminal entry, since a publish that fails
// after the append is not repeated by a retry.
func FailJob(ctx context.Context, l Appender, bus Publisher, jobID string, at time.Time, eventID string, rf *events.RangeFailed, jf events.JobFailed) error {
	if rf != nil {
		e, err := NewEntry(jobID, FailedKey(rf.RangeIndex), at, rf)
		if err != nil {
			return err
		}
		if err := l.Append(ctx, jobID, e); err != nil && !errors.Is(err, ledger.ErrConflict) {
			return fmt.Errorf("recording range %d failure: %w", rf.RangeIndex, err)
		}
	}
	e, err := NewEntry(jobID, KeyTerminal, at, jf)
	if err != nil {
		return err
	}
	if err := l.Append(ctx, jobID, e); errors.Is(err, ledger.ErrConflict) {
		return nil
	} else if err != nil {
		return fmt.Errorf("recording job failure: %w", err)
	}
	env, err := events.Encode(eventID, at, jf)
	if err != nil {
		return err
	}
	if err := bus.Publish(ctx, env); err != nil {
		return fmt.Errorf("publishing JobFailed: %w", err)
	}
	return nil
}
