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
	// Seed seeds the duplicate decisions.
	Seed uint64
}

// Validate checks the probability.
func (o Options) Validate() error {
	if o.DuplicateProbability < 0 || o.DuplicateProbability > 1 {
		return fmt.Errorf("duplicate probability %v: want 0..1", o.DuplicateProbability)
	}
	return nil
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
	b.mu.Unlock()
	for _, o := range obs {
		o(env)
	}
	for _, fn := range fns {
		for range copies {
			if err := b.inv.InvokeAsync(fn, payload); err != nil {
				return fmt.Errorf("delivering %s to %s: %w", env.DetailType, fn, err)
			}
		}
	}
	return nil
}

// Counts returns how many events were published and how many deliveries made.
func (b *Bus) Counts() (published, delivered int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.published, b.delivered
}
