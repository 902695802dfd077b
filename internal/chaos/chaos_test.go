package chaos_test

import (
	"context"
	"errors"
	"testing"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/chaos"
	"github.com/batonrun/baton/internal/ledger"
	ledgermem "github.com/batonrun/baton/internal/ledger/memory"
)

// A "lost response" append returns an injected error although the write
// was applied: the entry is there, and the retry's conditional write sees
// a conflict (the situation the worker must read its way out of).
func TestLedgerLostResponseAppliesTheWrite(t *testing.T) {
	in, err := chaos.New(chaos.Plan{Seed: 1, LedgerLostResponse: 1})
	if err != nil {
		t.Fatal(err)
	}
	mem := ledgermem.New()
	l := in.Ledger(mem)
	ctx := context.Background()
	err = l.Append(ctx, "j", ledger.Entry{Key: "k", DetailType: "T", Detail: []byte(`{}`)})
	if !errors.Is(err, chaos.ErrInjected) || errors.Is(err, chaos.ErrCrash) {
		t.Fatalf("append: %v, want an injected, non-crash fault", err)
	}
	if _, err := mem.Get(ctx, "j", "k"); err != nil {
		t.Fatalf("the write was not applied: %v", err)
	}
	if err := mem.Append(ctx, "j", ledger.Entry{Key: "k", DetailType: "T"}); !errors.Is(err, ledger.ErrConflict) {
		t.Fatalf("retry: %v, want a conflict", err)
	}
}

// Ledger errors before the write leave nothing behind.
func TestLedgerErrorBeforeTheWrite(t *testing.T) {
	in, _ := chaos.New(chaos.Plan{Seed: 2, LedgerError: 1})
	mem := ledgermem.New()
	if err := in.Ledger(mem).Append(context.Background(), "j", ledger.Entry{Key: "k", DetailType: "T"}); !errors.Is(err, chaos.ErrInjected) {
		t.Fatalf("append: %v", err)
	}
	if n, _ := mem.Count(context.Background(), "j", ""); n != 0 {
		t.Fatalf("%d entries after a failed append", n)
	}
}

type rec struct{ envs []events.Envelope }

func (r *rec) Publish(_ context.Context, envs ...events.Envelope) error {
	r.envs = append(r.envs, envs...)
	return nil
}

// Drop loses every event silently; a crash around a continuation's publish
// happens before (nothing published) or after (published) it.
func TestPublisherDropsAndCrashes(t *testing.T) {
	ctx := context.Background()
	env := events.Envelope{DetailType: events.TypeRangeContinued, Detail: []byte(`{}`)}
	in, _ := chaos.New(chaos.Plan{Seed: 3, Drop: 1})
	r := &rec{}
	if err := in.Publisher(r).Publish(ctx, env, env); err != nil || len(r.envs) != 0 {
		t.Fatalf("drop: err %v, %d delivered", err, len(r.envs))
	}
	in, _ = chaos.New(chaos.Plan{Seed: 4, Crash: 1})
	r = &rec{}
	err := in.Publisher(r).Publish(ctx, env)
	if !errors.Is(err, chaos.ErrCrash) || len(r.envs) != 0 {
		t.Fatalf("crash: err %v, %d delivered; want a crash before publishing", err, len(r.envs))
	}
	if in.Stats().Crashes != 1 {
		t.Errorf("stats %+v", in.Stats())
	}
}

// The same seed gives the same plan; plans validate their probabilities.
func TestFromSeedIsDeterministicAndValid(t *testing.T) {
	for seed := range uint64(50) {
		a, b := chaos.FromSeed(seed), chaos.FromSeed(seed)
		if a != b {
			t.Fatalf("seed %d: %+v and %+v", seed, a, b)
		}
		if err := a.Validate(); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
	}
	if err := (chaos.Plan{Drop: 1.5, Crash: -0.1}).Validate(); err == nil {
		t.Fatal("probabilities outside 0..1 accepted")
	}
}
