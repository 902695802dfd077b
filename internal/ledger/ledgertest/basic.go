package ledgertest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/batonrun/baton/internal/ledger"
)

func testAppendGet(t *testing.T, _ Features, newLedger func(*testing.T) Ledger) {
	l, ctx := newLedger(t), context.Background()
	want := []ledger.Entry{entry("job/started", 0), entry("range/000001/ckpt/000001", 1)}
	mustAppend(t, l, "j1", want...)
	for i, w := range want {
		got, err := l.Get(ctx, "j1", w.Key)
		if err != nil {
			t.Fatalf("Get(%s): %v", w.Key, err)
		}
		sameEntry(t, "j1", got, w)
		if got.Seq != int64(i+1) {
			t.Errorf("Get(%s).Seq = %d, want %d", w.Key, got.Seq, i+1)
		}
	}
}

func testGetMissing(t *testing.T, _ Features, newLedger func(*testing.T) Ledger) {
	l, ctx := newLedger(t), context.Background()
	mustAppend(t, l, "j1", entry("a", 0))
	for _, c := range [][2]string{{"j1", "b"}, {"j2", "a"}, {"j1", "a/"}} {
		if _, err := l.Get(ctx, c[0], c[1]); !errors.Is(err, ledger.ErrNotFound) {
			t.Errorf("Get(%s, %s) error = %v, want ErrNotFound", c[0], c[1], err)
		}
	}
}

func testListPrefixCount(t *testing.T, _ Features, newLedger func(*testing.T) Ledger) {
	l, ctx := newLedger(t), context.Background()
	keys := []string{"range/000002/ckpt/000001", "range/000001/ckpt/000001", "started",
		"range/000001/ckpt/000002", "range/000010/ckpt/000001", "range/000001", "range/0000011",
		"r\u00e9sum\u00e9/1", "r\u00e9sum\u00e9/2", "r\u00e9t", "z\x7f", "z\x7f\x7f", "z\u07ff", "\U0010ffff"}
	var all []ledger.Entry
	for i, k := range keys {
		all = append(all, entry(k, i))
	}
	mustAppend(t, l, "j1", all[:5]...)
	mustAppend(t, l, "j1", all[5:]...)
	mustAppend(t, l, "other", entry("range/000001/ckpt/000003", 0))
	prefixes := []string{"", "range/", "range/000001", "range/000001/", "range/00001", "nope",
		"r\u00e9", "r\u00e9sum\u00e9/", "z\x7f", "z", "\U0010ffff", "started", "startedX"}
	for _, p := range prefixes {
		var want []string
		for _, k := range keys {
			if strings.HasPrefix(k, p) {
				want = append(want, k)
			}
		}
		got, err := l.List(ctx, "j1", p)
		if err != nil {
			t.Fatalf("List(%q): %v", p, err)
		}
		if !equalStrings(keysOf(got), want) {
			t.Errorf("List(%q) = %q, want %q", p, keysOf(got), want)
		}
		seqsStrictlyIncreasing(t, got)
		n, err := l.Count(ctx, "j1", p)
		if err != nil || n != len(want) {
			t.Errorf("Count(%q) = %d, %v; want %d", p, n, err, len(want))
		}
	}
	if got, err := l.List(ctx, "unknown", ""); err != nil || len(got) != 0 {
		t.Errorf("List(unknown job) = %d entries, %v; want none", len(got), err)
	}
}

func testEmptyAppend(t *testing.T, _ Features, newLedger func(*testing.T) Ledger) {
	l, ctx := newLedger(t), context.Background()
	if err := l.Append(ctx, "j1"); err != nil {
		t.Fatalf("Append with no entries: %v", err)
	}
	if n, err := l.Count(ctx, "j1", ""); err != nil || n != 0 {
		t.Errorf("Count after empty append = %d, %v; want 0", n, err)
	}
}

func testInvalidInput(t *testing.T, _ Features, newLedger func(*testing.T) Ledger) {
	l, ctx := newLedger(t), context.Background()
	bad := entry("b", 1)
	bad.Detail = []byte(`{"unterminated":`)
	other := entry("c", 2)
	other.JobID = "someone-else"
	cases := []struct {
		name  string
		jobID string
		es    []ledger.Entry
	}{
		{"empty job id", "", []ledger.Entry{entry("a", 0)}},
		{"empty key", "j1", []ledger.Entry{entry("a", 0), entry("", 1)}},
		{"invalid JSON detail", "j1", []ledger.Entry{entry("a", 0), bad}},
		{"entry names another job", "j1", []ledger.Entry{entry("a", 0), other}},
		{"invalid UTF-8 key", "j1", []ledger.Entry{entry("a\xff", 0)}},
	}
	for _, c := range cases {
		err := l.Append(ctx, c.jobID, c.es...)
		if err == nil || errors.Is(err, ledger.ErrConflict) {
			t.Errorf("%s: Append error = %v, want a validation error", c.name, err)
		}
	}
	if n, err := l.Count(ctx, "j1", ""); err != nil || n != 0 {
		t.Errorf("Count after rejected appends = %d, %v; want 0", n, err)
	}
	same := entry("d", 3)
	same.JobID = "j1"
	mustAppend(t, l, "j1", same)
}

func testTooManyEntries(t *testing.T, _ Features, newLedger func(*testing.T) Ledger) {
	l, ctx := newLedger(t), context.Background()
	many := make([]ledger.Entry, ledger.MaxAppendEntries+1)
	for i := range many {
		many[i] = entry(fmt.Sprintf("plan/%06d", i), i)
	}
	err := l.Append(ctx, "j1", many...)
	if !errors.Is(err, ledger.ErrTooManyEntries) {
		t.Fatalf("Append of %d entries: error = %v, want ErrTooManyEntries", len(many), err)
	}
	if n, err := l.Count(ctx, "j1", ""); err != nil || n != 0 {
		t.Fatalf("Count after refused append = %d, %v; want 0", n, err)
	}
	mustAppend(t, l, "j1", many[:ledger.MaxAppendEntries]...)
	got, err := l.List(ctx, "j1", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != ledger.MaxAppendEntries {
		t.Fatalf("List after append of %d = %d entries", ledger.MaxAppendEntries, len(got))
	}
	for i, e := range got {
		if e.Seq != int64(i+1) {
			t.Fatalf("entry %s seq = %d, want %d", e.Key, e.Seq, i+1)
		}
		sameEntry(t, "j1", e, many[i])
	}
}
