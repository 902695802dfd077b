package redrive

import (
	"context"
	"errors"
	"fmt"
)

// Sweep redrives (Job) every job that has started, has not ended, and whose
// last ledger entry is older than o.StalledAfter at o.Now. It returns one
// Report per job redriven, and every job's error joined (a failing job does
// not stop the sweep). Jobs that never started are skipped.
func Sweep(ctx context.Context, l Ledger, bus Publisher, o Options) ([]Report, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	o = o.withDefaults()
	jobs, err := l.Jobs(ctx)
	if err != nil {
		return nil, fmt.Errorf("redrive: listing jobs: %w", err)
	}
	cutoff := o.Now().Add(-o.StalledAfter)
	var reps []Report
	var errs []error
	for _, j := range jobs {
		if !j.LastTime.Before(cutoff) {
			continue
		}
		rep, err := Job(ctx, l, bus, j.JobID, o)
		switch {
		case errors.Is(err, ErrNotStarted):
		case err != nil:
			errs = append(errs, err)
		case !rep.Ended:
			reps = append(reps, rep)
		}
	}
	return reps, errors.Join(errs...)
}
