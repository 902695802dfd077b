package ledgertest

import (
	"bytes"
	"context"
	"encoding/json"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/batonrun/baton/internal/ledger"
)

func testDetailRoundTrip(t *testing.T, _ Features, newLedger func(*testing.T) Ledger) {
	l := newLedger(t)
	details := []json.RawMessage{
		nil,
		json.RawMessage(`{}`),
		json.RawMessage("  {\"a\" :\t1 ,\n\"b\":[1,2]}  "),
		json.RawMessage(`{"n":12345678901234567890.000000000001,"s":"\u00e9\ud83d\ude00 \"q\" \\"}`),
		json.RawMessage(`"caf\u00e9 ☕"`),
		json.RawMessage(`{"big":"` + strings.Repeat("xyz\u00e9", 60_000) + `"}`),
	}
	es := variants(len(details), func(e *ledger.Entry, i int) { e.Detail = details[i] })
	mustAppend(t, l, "j1", es...)
	for _, want := range es {
		got := mustGet(t, l, "j1", want.Key)
		if !bytes.Equal(got.Detail, want.Detail) {
			t.Errorf("key %s: detail %d bytes, want %d bytes exactly", want.Key, len(got.Detail), len(want.Detail))
		}
	}
}

func testTimeUTC(t *testing.T, _ Features, newLedger func(*testing.T) Ledger) {
	l := newLedger(t)
	zone := time.FixedZone("UTC+5:30", 5*3600+1800)
	times := []time.Time{time.Now(), time.Date(2026, 1, 2, 3, 4, 5, 6, zone), {}, time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)}
	es := variants(len(times), func(e *ledger.Entry, i int) { e.Time = times[i] })
	mustAppend(t, l, "j1", es...)
	for _, want := range es {
		got := mustGet(t, l, "j1", want.Key)
		if !got.Time.Equal(want.Time) || got.Time.Location() != time.UTC {
			t.Errorf("key %s: time = %v, want %v in UTC", want.Key, got.Time, want.Time.UTC())
		}
	}
}

func testJobsIsolation(t *testing.T, _ Features, newLedger func(*testing.T) Ledger) {
	l, ctx := newLedger(t), context.Background()
	mustAppend(t, l, "job-a", entry("k", 0), entry("only-a", 1))
	mustAppend(t, l, "job-b", entry("k", 2))
	mustAppend(t, l, "job-a-suffix", entry("k", 3))
	for _, c := range []struct {
		job  string
		keys []string
	}{{"job-a", []string{"k", "only-a"}}, {"job-b", []string{"k"}}, {"job-a-suffix", []string{"k"}}} {
		got, err := l.List(ctx, c.job, "")
		if err != nil {
			t.Fatal(err)
		}
		if !equalStrings(keysOf(got), c.keys) || got[0].Seq != 1 || got[0].JobID != c.job {
			t.Errorf("job %s: List = %q (first seq %d, job %s), want %q starting at seq 1", c.job, keysOf(got), got[0].Seq, got[0].JobID, c.keys)
		}
	}
	b, err := l.Get(ctx, "job-b", "k")
	if err != nil {
		t.Fatal(err)
	}
	sameEntry(t, "job-b", b, entry("k", 2))
}

func testJobsSummary(t *testing.T, _ Features, newLedger func(*testing.T) Ledger) {
	l, ctx := newLedger(t), context.Background()
	if js, err := l.Jobs(ctx); err != nil || len(js) != 0 {
		t.Fatalf("Jobs on empty ledger = %v, %v; want none", js, err)
	}
	// Times deliberately out of append order within a job.
	appends := map[string][]int{"old": {5, 1, 3}, "new": {40, 60, 50, 45}, "mid": {20}, "tie-b": {20, 21}}
	ids := []string{"old", "new", "mid", "tie-b"}
	want := map[string]ledger.JobSummary{}
	for _, id := range ids {
		s := ledger.JobSummary{JobID: id}
		for i, sec := range appends[id] {
			e := entry(string(rune('a'+i)), sec)
			mustAppend(t, l, id, e)
			if s.Entries == 0 || e.Time.Before(s.FirstTime) {
				s.FirstTime = e.Time
			}
			if s.Entries == 0 || e.Time.After(s.LastTime) {
				s.LastTime = e.Time
			}
			s.Entries++
		}
		want[id] = s
	}
	order := append([]string(nil), ids...)
	sort.Slice(order, func(i, j int) bool {
		a, b := want[order[i]], want[order[j]]
		if !a.FirstTime.Equal(b.FirstTime) {
			return a.FirstTime.After(b.FirstTime)
		}
		return a.JobID < b.JobID
	})
	got, err := l.Jobs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(order) {
		t.Fatalf("Jobs = %d summaries, want %d", len(got), len(order))
	}
	for i, id := range order {
		w, g := want[id], got[i]
		if g.JobID != w.JobID || g.Entries != w.Entries || !g.FirstTime.Equal(w.FirstTime) || !g.LastTime.Equal(w.LastTime) {
			t.Errorf("Jobs[%d] = %+v, want %+v", i, g, w)
		}
	}
}

// variants returns n entries with keys "a", "b", ..., each changed by set.
func variants(n int, set func(e *ledger.Entry, i int)) []ledger.Entry {
	es := make([]ledger.Entry, n)
	for i := range es {
		es[i] = entry(string(rune('a'+i)), i)
		set(&es[i], i)
	}
	return es
}

func mustGet(t *testing.T, l Ledger, jobID, key string) ledger.Entry {
	t.Helper()
	e, err := l.Get(context.Background(), jobID, key)
	if err != nil {
		t.Fatalf("Get(%s, %s): %v", jobID, key, err)
	}
	return e
}
