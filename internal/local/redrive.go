package local

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/joblog"
	"github.com/batonrun/baton/internal/ledger"
	"github.com/batonrun/baton/internal/ledger/sqlite"
	"github.com/batonrun/baton/internal/redrive"
)

// Redrive re-publishes the next event of every unfinished range of a local
// job (redrive.Job) in a fresh local runtime and waits for the job's end,
// as Run does. Only cfg.StateDir, cfg.Runtime, cfg.CacheBytes, cfg.Sweep
// and cfg.Progress are used; the object (a local file) and the query come
// from the job's log. A job that already ended returns its outcome at once.
func Redrive(ctx context.Context, cfg Config, jobID string) (Outcome, redrive.Report, error) {
	return redriveWith(ctx, cfg, jobID, func(ctx context.Context, l *sqlite.Ledger, bus redrive.Publisher, jobID string, o redrive.Options) (redrive.Report, error) {
		return redrive.Job(ctx, l, bus, jobID, o)
	})
}

// RedriveFailed is Redrive with redrive.Failed: it retries the failed
// ranges of a job that ended with a partial result in a new attempt and
// waits for that attempt's result (Outcome), the job's new result. A job
// without a partial result returns an error wrapping
// redrive.ErrNothingToRetry and runs nothing.
func RedriveFailed(ctx context.Context, cfg Config, jobID string) (Outcome, redrive.Report, error) {
	return redriveWith(ctx, cfg, jobID, func(ctx context.Context, l *sqlite.Ledger, bus redrive.Publisher, jobID string, o redrive.Options) (redrive.Report, error) {
		return redrive.Failed(ctx, l, bus, jobID, o)
	})
}

type redriveFunc func(ctx context.Context, l *sqlite.Ledger, bus redrive.Publisher, jobID string, o redrive.Options) (redrive.Report, error)

func redriveWith(ctx context.Context, cfg Config, jobID string, fn redriveFunc) (Outcome, redrive.Report, error) {
	out := Outcome{JobID: jobID}
	led, err := sqlite.Open(LedgerPath(cfg.StateDir), sqlite.Options{})
	if err != nil {
		return out, redrive.Report{}, fmt.Errorf("opening ledger: %w", err)
	}
	defer led.Close()
	var js events.JobStarted
	e0, err := led.Get(ctx, jobID, joblog.KeyJob)
	if errors.Is(err, ledger.ErrNotFound) {
		return out, redrive.Report{}, fmt.Errorf("no started job %q in %s (see `baton jobs`): %w", jobID, LedgerPath(cfg.StateDir), redrive.ErrNotStarted)
	} else if err != nil {
		return out, redrive.Report{}, fmt.Errorf("job %s: %w", jobID, err)
	}
	if err := joblog.Decode(e0, &js); err != nil {
		return out, redrive.Report{}, err
	}
	if js.Spec.Object.Bucket != "" {
		return out, redrive.Report{}, fmt.Errorf("job %s reads s3://%s/%s: redrive supports local files only", jobID, js.Spec.Object.Bucket, js.Spec.Object.Key)
	}
	store, err := localStore(cfg) // the run's memo: no rehash of the file
	if err != nil {
		return out, redrive.Report{}, err
	}
	cfg.Path, cfg.Query, cfg.Format, cfg.Limits, cfg.Chaos = js.Spec.Object.Key, js.Spec.Query, js.Spec.Format, js.Spec.Limits, nil
	tel, err := newTelemetry(ctx, stateDirOf(cfg), jobID)
	if err != nil {
		return out, redrive.Report{}, err
	}
	e := &env{cfg: cfg, raw: led, ledger: led, store: store, splitStore: store, workStore: store, tel: tel}
	if err := e.build(); err != nil {
		return out, redrive.Report{}, errors.Join(err, tel.close(ctx))
	}
	start := time.Now()
	rep, err := fn(ctx, led, e.bus, jobID, redrive.Options{})
	e.attempt = rep.Attempt
	if err == nil {
		out, err = e.wait(ctx, out)
	}
	e.rt.Close()
	_ = e.rt.WaitIdle(context.WithoutCancel(ctx))
	out.Wall, out.Runtime = time.Since(start), e.rt.Stats()
	out.Published, out.Delivered = e.bus.Counts()
	return out, rep, errors.Join(err, tel.close(ctx))
}
