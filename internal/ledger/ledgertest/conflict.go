package ledgertest

import (
	"context"
	"errors"
	"testing"

	"github.com/batonrun/baton/internal/ledger"
)

func wantConflict(t *testing.T, err error, jobID string, keys ...string) {
	t.Helper()
	if !errors.Is(err, ledger.ErrConflict) {
		t.Fatalf("error = %v, want ErrConflict", err)
	}
	var ce *ledger.ConflictError
	if !errors.As(err, &ce) {
		t.Fatalf("error %v is not *ConflictError", err)
	}
	if ce.JobID != jobID || !equalStrings(ce.Keys, keys) {
		t.Errorf("ConflictError = {%s %q}, want {%s %q}", ce.JobID, ce.Keys, jobID, keys)
	}
}

func testAtomicConflict(t *testing.T, _ Features, newLedger func(*testing.T) Ledger) {
	l, ctx := newLedger(t), context.Background()
	mustAppend(t, l, "j1", entry("a", 0), entry("b", 1), entry("c", 2))
	err := l.Append(ctx, "j1", entry("x", 3), entry("b", 4), entry("y", 5), entry("c", 6))
	wantConflict(t, err, "j1", "b", "c")
	for _, k := range []string{"x", "y"} {
		if _, err := l.Get(ctx, "j1", k); !errors.Is(err, ledger.ErrNotFound) {
			t.Errorf("key %s from the failed append: Get error = %v, want ErrNotFound", k, err)
		}
	}
	got, err := l.Get(ctx, "j1", "b")
	if err != nil {
		t.Fatal(err)
	}
	sameEntry(t, "j1", got, entry("b", 1))
	mustAppend(t, l, "j1", entry("x", 7))
	if x, _ := l.Get(ctx, "j1", "x"); x.Seq <= 3 {
		t.Errorf("seq after a failed append = %d, want > 3", x.Seq)
	}
}

func testDuplicateInCall(t *testing.T, _ Features, newLedger func(*testing.T) Ledger) {
	l, ctx := newLedger(t), context.Background()
	err := l.Append(ctx, "j1", entry("a", 0), entry("d", 1), entry("b", 2), entry("d", 3), entry("d", 4))
	wantConflict(t, err, "j1", "d")
	if n, err := l.Count(ctx, "j1", ""); err != nil || n != 0 {
		t.Errorf("Count after duplicate-key append = %d, %v; want 0", n, err)
	}
}

func testSeqOrder(t *testing.T, _ Features, newLedger func(*testing.T) Ledger) {
	l, ctx := newLedger(t), context.Background()
	// Keys descend so that key order and append order disagree.
	keys := []string{"k9", "k8", "k7", "k6", "k5", "k4", "k3"}
	mustAppend(t, l, "j1", entry(keys[0], 0))
	mustAppend(t, l, "j1", entry(keys[1], 1), entry(keys[2], 2), entry(keys[3], 3))
	mustAppend(t, l, "j1", entry(keys[4], 4), entry(keys[5], 5))
	mustAppend(t, l, "j1", entry(keys[6], 6))
	got, err := l.List(ctx, "j1", "")
	if err != nil {
		t.Fatal(err)
	}
	if !equalStrings(keysOf(got), keys) {
		t.Fatalf("List order = %q, want append order %q", keysOf(got), keys)
	}
	for i, e := range got {
		if e.Seq != int64(i+1) {
			t.Errorf("entry %s seq = %d, want %d", e.Key, e.Seq, i+1)
		}
		sameEntry(t, "j1", e, entry(keys[i], i))
	}
}
