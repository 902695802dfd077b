package joblog

import (
	"context"
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
	return Keys{}.FailJob(ctx, l, bus, jobID, at, eventID, rf, jf)
}

// Finish appends d (JobSucceeded or JobFailed) as the job's terminal entry,
// conditionally, then publishes it. When a terminal entry already exists the
// job had already ended: d is dropped and the result is nil. This is the
// conditional transition that makes the end of a job happen exactly once.
func Finish(ctx context.Context, l Appender, bus Publisher, jobID string, at time.Time, eventID string, d events.Detail) error {
	_, err := FinishOnce(ctx, l, bus, jobID, at, eventID, d)
	return err
}

// FinishOnce is Finish that also reports whether d landed as the terminal
// entry (false: the job had already ended, or err is not nil).
func FinishOnce(ctx context.Context, l Appender, bus Publisher, jobID string, at time.Time, eventID string, d events.Detail) (landed bool, err error) {
	return Keys{}.FinishOnce(ctx, l, bus, jobID, at, eventID, d)
}

// Publish encodes d in an envelope with eventID and publishes it alone.
func Publish(ctx context.Context, bus Publisher, eventID string, at time.Time, d events.Detail) error {
	env, err := events.Encode(eventID, at, d)
	if err != nil {
		return err
	}
	if err := bus.Publish(ctx, env); err != nil {
		return fmt.Errorf("publishing %s: %w", d.Type(), err)
	}
	return nil
}

// Getter reads one ledger entry.
type Getter interface {
	Get(ctx context.Context, jobID, key string) (ledger.Entry, error)
}

// Ended reports whether the job has its terminal entry.
func Ended(ctx context.Context, l Getter, jobID string) (bool, error) {
	return Keys{}.Ended(ctx, l, jobID)
}
