// Package localbus is the in-process event bus: it checks PutEvents limits
// like EventBridge does (at most events.MaxEntriesPerPut entries per call,
// each at most events.MaxEntryBytes) and delivers each event, at least once,
// to the function its detail-type is routed to.
package localbus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/ids"
)

// Invoker starts asynchronous invocations (the local runtime).
type Invoker interface {
	InvokeAsync(fn string, payload []byte) error
}

// Options configures a Bus; the zero value delivers each event once.
type Options struct {
	// DuplicateProbability is the chance an event is delivered twice, to
	// exercise at-least-once handling. 1 delivers every event twice.
	DuplicateProbability float64
	// DelayProbability is the chance each delivery is delayed by a random
	// time up to MaxDelay, so that deliveries arrive late and out of order
	// (duplicates included). It needs an Invoker with InvokeAfter (the
	// local runtime); others deliver at once.
	DelayProbability float64
	// MaxDelay bounds a delay; 0 means 50ms.
	MaxDelay time.Duration
	// Seed seeds the duplicate and delay decisions.
	Seed uint64
}

// Validate checks the probabilities and the delay.
func (o Options) Validate() error {
	var errs []error
	if o.DuplicateProbability < 0 || o.DuplicateProbability > 1 {
		errs = append(errs, fmt.Errorf("duplicate probability %v: want 0..1", o.DuplicateProbability))
	}
	if o.DelayProbability < 0 || o.DelayProbability > 1 {
		errs = append(errs, fmt.Errorf("delay probability %v: want 0..1", o.DelayProbability))
	}
	if o.MaxDelay < 0 {
		errs = append(errs, fmt.Errorf("max delay %v is negative", o.MaxDelay))
	}
	return errors.Join(errs...)
}

// DelayInvoker is an Invoker that can also deliver later (localrt.Runtime).
type DelayInvoker interface {
	InvokeAfter(fn string, payload []byte, d time.Duration) error
}

// ErrTooManyEntries and ErrEntryTooLarge are the PutEvents limits.
var (
	ErrTooManyEntries = errors.New("more than 10 entries in one PutEvents call")
	ErrEntryTooLarge  = errors.New("entry larger than 256 KB")
	ErrInvalidEntry   = errors.New("invalid entry")
)

// Bus routes events by detail-type. It is safe for concurrent use.
type Bus struct {
	inv  Invoker
	opts Options

	mu        sync.Mutex
	routes    map[string][]string
	observers []func(events.Envelope)
	rng       *rand.Rand
	published int64
	delivered int64
}

// New builds a Bus that invokes functions through inv.
func New(inv Invoker, o Options) (*Bus, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return &Bus{inv: inv, opts: o, routes: map[string][]string{}, rng: rand.New(rand.NewPCG(o.Seed, ^o.Seed))}, nil
}

// Route sends events of detailType to function fn (an EventBridge rule
// with a detail-type pattern and a Lambda target).
func (b *Bus) Route(detailType, fn string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.routes[detailType] = append(b.routes[detailType], fn)
}

// Observe calls fn synchronously with every published event (after the
// limits check), e.g. to watch for JobSucceeded.
func (b *Bus) Observe(fn func(events.Envelope)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.observers = append(b.observers, fn)
}

// Publish checks the PutEvents limits for the whole call, then delivers
// every entry. Entries without an id get one. Nothing is delivered when the
// call breaks a limit.
func (b *Bus) Publish(ctx context.Context, envs ...events.Envelope) error {
	if len(envs) > events.MaxEntriesPerPut {
		return fmt.Errorf("publishing %d entries: %w", len(envs), ErrTooManyEntries)
	}
	for i, env := range envs {
		if env.DetailType == "" || env.Source == "" || !json.Valid(env.Detail) {
			return fmt.Errorf("entry %d: %w: needs detail-type, source and JSON detail", i, ErrInvalidEntry)
		}
		if n := events.EntryBytes(env); n > events.MaxEntryBytes {
			return fmt.Errorf("entry %d (%s) is %d bytes: %w", i, env.DetailType, n, ErrEntryTooLarge)
		}
	}
	for _, env := range envs {
		if env.ID == "" {
			env.ID = ids.New()
		}
		if err := b.deliver(env); err != nil {
			return err
		}
	}
	return ctx.Err()
}

func (b *Bus) deliver(env events.Envelope) error {
	payload, err := json.Marshal(env)
	if err != nil {
		return fmt.Errorf("encoding %s: %w", env.DetailType, err)
	}
	b.mu.Lock()
	b.published++
	fns := append([]string(nil), b.routes[env.DetailType]...)
	obs := append([]func(events.Envelope){}, b.observers...)
	copies := 1
	if b.opts.DuplicateProbability > 0 && b.rng.Float64() < b.opts.DuplicateProbability {
		copies = 2
	}
	b.delivered += int64(copies * len(fns))
	delays := make([]time.Duration, copies*len(fns))
	for i := range delays {
		if b.opts.DelayProbability > 0 && b.rng.Float64() < b.opts.DelayProbability {
			delays[i] = time.Duration(b.rng.Int64N(int64(b.maxDelay()))) + 1
		}
	}
	b.mu.Unlock()
	for _, o := range obs {
		o(env)
	}
	for i, fn := range fns {
		for c := range copies {
			if err := b.invoke(fn, payload, delays[i*copies+c]); err != nil {
				return fmt.Errorf("delivering %s to %s: %w", env.DetailType, fn, err)
			}
		}
	}
	return nil
}

func (b *Bus) maxDelay() time.Duration {
	if b.opts.MaxDelay == 0 {
		return 50 * time.Millisecond
	}
	return b.opts.MaxDelay
}

// invoke delivers payload to fn now, or after d when d > 0 and the
// invoker can delay.
func (b *Bus) invoke(fn string, payload []byte, d time.Duration) error {
	if di, ok := b.inv.(DelayInvoker); ok && d > 0 {
		return di.InvokeAfter(fn, payload, d)
	}
	return b.inv.InvokeAsync(fn, payload)
}

// Counts returns how many events were published and how many deliveries made.
func (b *Bus) Counts() (published, delivered int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.published, b.delivered
}
