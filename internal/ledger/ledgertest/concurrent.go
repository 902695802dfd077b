package ledgertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/batonrun/baton/internal/ledger"
)

func testConcurrentSameKey(t *testing.T, f Features, newLedger func(*testing.T) Ledger) {
	l, ctx := newLedger(t), context.Background()
	const key = "range/000001/ckpt/000001"
	errs := make([]error, f.Goroutines)
	var wg sync.WaitGroup
	for g := range f.Goroutines {
		wg.Go(func() {
			e := entry(key, g)
			errs[g] = appendRetrying(ctx, f, l, "j1", e, entry(fmt.Sprintf("side/%02d", g), g))
		})
	}
	wg.Wait()
	winner := -1
	for g, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Fatalf("goroutines %d and %d both appended %s", winner, g, key)
		case err == nil:
			winner = g
		case !errors.Is(err, ledger.ErrConflict):
			t.Errorf("goroutine %d: error = %v, want ErrConflict", g, err)
		}
	}
	if winner < 0 {
		t.Fatal("no goroutine appended the key")
	}
	got, err := l.Get(ctx, "j1", key)
	if err != nil {
		t.Fatal(err)
	}
	sameEntry(t, "j1", got, entry(key, winner))
	if n, _ := l.Count(ctx, "j1", "side/"); n != 1 {
		t.Errorf("side entries = %d, want 1 (only the winner's call lands)", n)
	}
}

func testConcurrentDistinct(t *testing.T, f Features, newLedger func(*testing.T) Ledger) {
	l, ctx := newLedger(t), context.Background()
	const perG = 20
	errs := make([]error, f.Goroutines)
	var wg sync.WaitGroup
	for g := range f.Goroutines {
		wg.Go(func() {
			for i := range perG {
				e := entry(fmt.Sprintf("g%02d/%03d", g, i), i)
				e.Detail = json.RawMessage(fmt.Sprintf(`{"g":%d,"i":%d}`, g, i))
				if err := appendRetrying(ctx, f, l, "j1", e); err != nil {
					errs[g] = err
					return
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("concurrent appends of distinct keys: %v", err)
	}
	all, err := l.List(ctx, "j1", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != f.Goroutines*perG {
		t.Fatalf("List = %d entries, want %d", len(all), f.Goroutines*perG)
	}
	seqsStrictlyIncreasing(t, all)
	for g := range f.Goroutines {
		mine, err := l.List(ctx, "j1", fmt.Sprintf("g%02d/", g))
		if err != nil {
			t.Fatal(err)
		}
		for i, e := range mine {
			if want := fmt.Sprintf("g%02d/%03d", g, i); e.Key != want {
				t.Fatalf("goroutine %d entry %d = %s, want %s (append order)", g, i, e.Key, want)
			}
		}
	}
}

func testReopen(t *testing.T, f Features, newLedger func(*testing.T) Ledger) {
	if !f.Persistent {
		t.Skip("adapter is not persistent")
	}
	l, ctx := newLedger(t), context.Background()
	want := []ledger.Entry{entry("a", 0), entry("b", 1)}
	mustAppend(t, l, "j1", want...)
	l = f.Reopen(t, l)
	got, err := l.List(ctx, "j1", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("after reopen: %d entries, want %d", len(got), len(want))
	}
	for i := range want {
		sameEntry(t, "j1", got[i], want[i])
	}
	err = l.Append(ctx, "j1", entry("b", 2))
	wantConflict(t, err, "j1", "b")
	mustAppend(t, l, "j1", entry("c", 3))
	if c, _ := l.Get(ctx, "j1", "c"); c.Seq <= got[1].Seq {
		t.Errorf("seq after reopen = %d, want > %d", c.Seq, got[1].Seq)
	}
}

// appendRetries bounds the retries of an Append that failed retryably.
const appendRetries = 10

// appendRetrying is l.Append, tried again while it fails with an error
// f.Retryable accepts (nothing was written), up to appendRetries times.
func appendRetrying(ctx context.Context, f Features, l Ledger, jobID string, es ...ledger.Entry) error {
	err := l.Append(ctx, jobID, es...)
	for try := 0; err != nil && f.Retryable != nil && f.Retryable(err) && try < appendRetries; try++ {
		err = l.Append(ctx, jobID, es...)
	}
	return err
}
