// Package fanin is the aggregator: once every range of a job is complete it
// checks that the ranges' record boundaries chain, merges every checkpoint's
// partial result, finalizes the query and appends the terminal JobSucceeded.
// The terminal append is conditional, so however often FanInRequested is
// delivered the fan-in takes effect exactly once (DESIGN.md invariant 2).
package fanin

import (
	"context"
	"fmt"
	"time"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/failure"
	"github.com/batonrun/baton/internal/ids"
	"github.com/batonrun/baton/internal/joblog"
	"github.com/batonrun/baton/internal/ledger"
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
}

// Aggregator handles FanInRequested. It is safe for concurrent use.
type Aggregator struct {
	ledger Ledger
	bus    joblog.Publisher
	opts   Options
}

// New builds an Aggregator.
func New(l Ledger, bus joblog.Publisher, o Options) *Aggregator {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.NewID == nil {
		o.NewID = ids.New
	}
	return &Aggregator{ledger: l, bus: bus, opts: o}
}

// Handle merges the job named by a FanInRequested event. It returns nil when
// the job is finished (by this call or an earlier one), when not every range
// is done yet (a later completion asks again), and when the merge failed
// permanently (recorded as JobFailed). Malformed events wrap
// events.ErrMalformed; other errors are transient.
func (a *Aggregator) Handle(ctx context.Context, env events.Envelope) error {
	var req events.FanInRequested
	if err := events.Decode(env, &req); err != nil {
		return err
	}
	if ended, err := joblog.Ended(ctx, a.ledger, req.JobID); err != nil || ended {
		return err
	}
	log, err := readLog(ctx, a.ledger, req.JobID)
	if err != nil {
		return err
	}
	if len(log.done) < log.started.RangeCount {
		return nil
	}
	succeeded, err := merge(log)
	if err != nil {
		if failure.Code(err) != "" {
			return a.fail(ctx, req.JobID, err)
		}
		return fmt.Errorf("job %s: fan-in: %w", req.JobID, err)
	}
	return a.finish(ctx, succeeded)
}

func (a *Aggregator) finish(ctx context.Context, s events.JobSucceeded) error {
	return joblog.Finish(ctx, a.ledger, a.bus, s.JobID, a.opts.Now(), a.opts.NewID(), s)
}

func (a *Aggregator) fail(ctx context.Context, jobID string, cause error) error {
	jf := events.JobFailed{SchemaVersion: events.SchemaVersion, JobID: jobID, Code: failure.Code(cause), Reason: cause.Error(), RangeIndex: -1}
	return joblog.FailJob(ctx, a.ledger, a.bus, jobID, a.opts.Now(), a.opts.NewID(), nil, jf)
}
