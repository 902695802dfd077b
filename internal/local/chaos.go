package local

import (
	"context"
	"errors"
	"time"

	"github.com/batonrun/baton/internal/chaos"
	"github.com/batonrun/baton/internal/redrive"
)

// SweepOptions configures the local stalled-range sweeper: when the job
// has no terminal entry and nothing has happened for a while (no
// invocation queued or running, or no event published and no attempt
// made for StalledAfter), it redrives the job (redrive.Job), so that a
// dropped event costs time, not results.
type SweepOptions struct {
	// StalledAfter is how long nothing may happen while invocations are
	// still pending before the sweeper redrives; 0 means three times the
	// worker timeout. An idle runtime (nothing pending) is redriven at
	// once: locally nothing else could move the job.
	StalledAfter time.Duration
	// MaxSweeps is how many sweeps in a row may find the ledger unchanged
	// before Run gives up with ErrStalled; 0 means 3, negative turns the
	// sweeper off (an idle runtime is then ErrStalled at once).
	MaxSweeps int
}

func (s SweepOptions) withDefaults(workerTimeout time.Duration) SweepOptions {
	if s.StalledAfter == 0 {
		s.StalledAfter = 3 * workerTimeout
	}
	if s.MaxSweeps == 0 {
		s.MaxSweeps = 3
	}
	return s
}

// sweeper tracks activity and the sweeps that found nothing new.
type sweeper struct {
	opts         SweepOptions
	lastActivity time.Time
	lastCounts   [2]int64 // invocations, published
	lastEntries  int
	fruitless    int
	sweeps       int
}

// due reports whether the job should be redriven now.
func (s *sweeper) due(now time.Time, idle bool, invocations, published int64) bool {
	if c := [2]int64{invocations, published}; c != s.lastCounts {
		s.lastCounts, s.lastActivity = c, now
	}
	return idle || now.Sub(s.lastActivity) >= s.opts.StalledAfter
}

// sweep redrives the job through the reliable bus; ok is false when the
// ledger has not changed over MaxSweeps sweeps.
func (e *env) sweep(ctx context.Context, s *sweeper, jobID string) (ok bool, err error) {
	entries, err := e.raw.List(ctx, jobID, "")
	if err != nil {
		return false, err
	}
	if len(entries) == s.lastEntries {
		s.fruitless++
	} else {
		s.lastEntries, s.fruitless = len(entries), 0
	}
	if s.opts.MaxSweeps < 0 || s.fruitless >= s.opts.MaxSweeps {
		return false, nil
	}
	s.sweeps++
	s.lastActivity = time.Now()
	_, err = redrive.Job(ctx, e.raw, e.bus, jobID, redrive.Options{})
	if errors.Is(err, redrive.ErrNotStarted) {
		return false, nil // the splitter never started it: nothing to redrive
	}
	return err == nil, err
}

// wrapChaos puts the plan's faults between the handlers and the ports.
func (e *env) wrapChaos() error {
	if e.cfg.Chaos == nil {
		return nil
	}
	in, err := chaos.New(*e.cfg.Chaos)
	if err != nil {
		return err
	}
	e.chaos = in
	e.ledger = in.Ledger(e.raw)
	e.splitStore = in.Store(e.store, nil)
	e.workStore = in.Store(e.store, e.cfg.ChaosReplace)
	return nil
}
