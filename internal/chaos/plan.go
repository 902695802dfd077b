// Package chaos injects the faults real AWS produces into Baton's ports, so
// tests (and `baton run --chaos SEED`) can check that a job's result is
// exact or that it fails with the right reason, whatever happens.
//
// A Plan is data: per-call probabilities and a seed. An Injector built
// from it decides every fault with one seeded PCG generator, and wraps the
// ports: Ledger (throttling and 5xx errors before a write, or after it was
// applied: "applied but response lost"), Publisher (errors before or after
// publishing, dropped events, shuffled batches), Store (transient read
// errors, the object replaced mid-job), and the local runtime (Faults:
// recycled containers, hard kills at the deadline). Crashes of an
// invocation at a step — before or after reading, before or after the
// checkpoint commit, before or after publishing the continuation — are
// errors wrapping ErrCrash returned by the wrappers at that point, which
// abort the invocation as a crash would; the runtime then retries it.
//
// Decisions depend on the seed and on the order of calls; with concurrent
// invocations that order varies, so a seed replays the same kinds and rates
// of faults, not necessarily the same interleaving.
package chaos

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/batonrun/baton/internal/localbus"
)

// Replace is how the object is replaced mid-job.
type Replace int

// Replacement modes.
const (
	ReplaceNone     Replace = iota
	ReplaceShorter          // by its first half
	ReplaceSameSize         // same length, one byte different
)

func (r Replace) String() string {
	switch r {
	case ReplaceShorter:
		return "shorter"
	case ReplaceSameSize:
		return "same-size"
	}
	return "none"
}

// Plan is a fault schedule. Probabilities are per call (or per event, per
// attempt) in [0, 1]; the zero value injects nothing.
type Plan struct {
	Seed uint64
	// LedgerError fails a ledger call before it reaches the ledger
	// (throttling or a 5xx).
	LedgerError float64
	// LedgerLostResponse applies an Append and then returns an error.
	LedgerLostResponse float64
	// PublishError fails a Publish before anything is published.
	PublishError float64
	// PublishLostResponse publishes, then returns an error.
	PublishLostResponse float64
	// Drop silently loses each published event (the call succeeds).
	Drop float64
	// Duplicate and Delay configure the bus (BusOptions): a delivery is
	// duplicated, or delayed by up to MaxDelay (late and reordered).
	Duplicate, Delay float64
	MaxDelay         time.Duration
	// StoreError fails a Head or ReadRange (throttling, 5xx, reset).
	StoreError float64
	// Crash aborts an invocation at each crash point with this chance.
	Crash float64
	// Kill hard-kills a worker attempt at its deadline (localrt.Fault.Kill).
	Kill float64
	// Recycle discards warm containers before an attempt.
	Recycle float64
	// Replace replaces the object after ReplaceAfterReads ReadRange calls
	// through a Store that has a Replacer.
	Replace           Replace
	ReplaceAfterReads int
}

// Validate reports every probability outside [0, 1] and negative counts.
func (p Plan) Validate() error {
	var errs []error
	for name, v := range map[string]float64{"LedgerError": p.LedgerError, "LedgerLostResponse": p.LedgerLostResponse,
		"PublishError": p.PublishError, "PublishLostResponse": p.PublishLostResponse, "Drop": p.Drop,
		"Duplicate": p.Duplicate, "Delay": p.Delay, "StoreError": p.StoreError, "Crash": p.Crash,
		"Kill": p.Kill, "Recycle": p.Recycle} {
		if v < 0 || v > 1 {
			errs = append(errs, fmt.Errorf("chaos plan: %s %v outside [0, 1]", name, v))
		}
	}
	if p.MaxDelay < 0 {
		errs = append(errs, fmt.Errorf("chaos plan: MaxDelay %v is negative", p.MaxDelay))
	}
	if p.ReplaceAfterReads < 0 || p.Replace < ReplaceNone || p.Replace > ReplaceSameSize {
		errs = append(errs, fmt.Errorf("chaos plan: Replace %d after %d reads is invalid", p.Replace, p.ReplaceAfterReads))
	}
	return errors.Join(errs...)
}

// FromSeed draws a varied plan from seed: each fault kind is off or on at
// a rate of up to a few percent per call (drops and kills rarer), so
// different seeds stress different mixes. It never replaces the object
// (that needs a Replacer and is the caller's choice).
func FromSeed(seed uint64) Plan {
	r := rand.New(rand.NewPCG(seed, seed^0x5eed))
	rate := func(maxRate float64) float64 {
		if r.IntN(3) == 0 {
			return 0
		}
		return r.Float64() * maxRate
	}
	return Plan{Seed: seed, LedgerError: rate(0.05), LedgerLostResponse: rate(0.05),
		PublishError: rate(0.05), PublishLostResponse: rate(0.05), Drop: rate(0.05),
		Duplicate: rate(0.3), Delay: rate(0.3), MaxDelay: time.Duration(1+r.IntN(30)) * time.Millisecond,
		StoreError: rate(0.05), Crash: rate(0.05), Kill: rate(0.05), Recycle: rate(0.2)}
}

// BusOptions is the local bus configuration for the plan's duplicate and
// delayed deliveries.
func (p Plan) BusOptions() localbus.Options {
	return localbus.Options{DuplicateProbability: p.Duplicate, DelayProbability: p.Delay, MaxDelay: p.MaxDelay, Seed: p.Seed ^ 0xb05}
}

// Stats counts the faults injected.
type Stats struct {
	LedgerErrors, LostResponses, PublishErrors, Dropped, StoreErrors int64
	Crashes, Kills, Recycles, Replaced                               int64
}

// Injector decides faults from a Plan. It is safe for concurrent use.
type Injector struct {
	plan Plan
	mu   sync.Mutex
	rng  *rand.Rand
	st   struct {
		ledgerErrors, lost, publishErrors, dropped, storeErrors atomic.Int64
		crashes, kills, recycles, replaced                      atomic.Int64
	}
	reads atomic.Int64
}

// New builds an Injector; it returns Plan.Validate's error.
func New(p Plan) (*Injector, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &Injector{plan: p, rng: rand.New(rand.NewPCG(p.Seed, p.Seed^0x9e3779b97f4a7c15))}, nil
}

// Plan returns the plan.
func (in *Injector) Plan() Plan { return in.plan }

// Stats returns the faults injected so far.
func (in *Injector) Stats() Stats {
	return Stats{LedgerErrors: in.st.ledgerErrors.Load(), LostResponses: in.st.lost.Load(),
		PublishErrors: in.st.publishErrors.Load(), Dropped: in.st.dropped.Load(), StoreErrors: in.st.storeErrors.Load(),
		Crashes: in.st.crashes.Load(), Kills: in.st.kills.Load(), Recycles: in.st.recycles.Load(), Replaced: in.st.replaced.Load()}
}

// hit draws one decision with probability p.
func (in *Injector) hit(p float64) bool {
	if p <= 0 {
		return false
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.rng.Float64() < p
}

// intN draws from [0, n).
func (in *Injector) intN(n int) int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.rng.IntN(n)
}
