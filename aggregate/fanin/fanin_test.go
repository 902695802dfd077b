package fanin_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonrun/baton/aggregate/fanin"
	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/joblog"
	ledgermem "github.com/batonrun/baton/internal/ledger/memory"
	objmem "github.com/batonrun/baton/internal/objstore/memory"
	"github.com/batonrun/baton/internal/splitter"
	"github.com/batonrun/baton/internal/wiring/wiringtest"
	"github.com/batonrun/baton/internal/worker"
)

// prepare runs splitter and workers over 4 ranges until only the fan-in is
// left, and returns the FanInRequested event.
func prepare(t *testing.T, l *ledgermem.Ledger, bus *wiringtest.Recorder, n int, hold int) events.Envelope {
	t.Helper()
	store := objmem.New(objmem.Options{})
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "%d\n", i)
	}
	ref := store.Put("", "n.txt", []byte(b.String()))
	ctx := context.Background()
	req, _ := events.Encode("r", time.Now(), events.JobRequested{SchemaVersion: events.SchemaVersion, JobID: "j",
		Object: events.ObjectRef{Key: "n.txt"}, Query: "SELECT count(*), sum(CAST(_1 AS SIGNED)) FROM s3object",
		Format: events.Format{Kind: "lines"}, Limits: events.Limits{RangeSizeBytes: max(1024, ref.SizeBytes/4+1)}})
	if err := splitter.New(store, l, bus, splitter.Options{}).Handle(ctx, req); err != nil {
		t.Fatal(err)
	}
	w, _ := worker.New(store, l, bus, worker.Options{})
	assigned := bus.Take(events.TypeRangeAssigned)
	for i, e := range assigned {
		if i == hold {
			continue // this range never runs
		}
		if err := w.Handle(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	fi := bus.Take(events.TypeFanInRequested)
	if hold >= 0 {
		if len(fi) != 0 {
			t.Fatalf("fan-in requested with range %d not done", hold)
		}
		return events.Envelope{}
	}
	if len(fi) != 1 {
		t.Fatalf("%d FanInRequested, want exactly 1 from the last completion", len(fi))
	}
	return fi[0]
}

// However often FanInRequested arrives, even concurrently, the job gets one
// terminal entry and one JobSucceeded event, with the exact result.
func TestFanInTakesEffectOnce(t *testing.T) {
	const n = 20000
	l, bus := ledgermem.New(), &wiringtest.Recorder{}
	fi := prepare(t, l, bus, n, -1)
	agg := fanin.New(l, bus, fanin.Options{})
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := agg.Handle(context.Background(), fi); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	done := bus.Take(events.TypeJobSucceeded)
	if len(done) != 1 {
		t.Fatalf("%d JobSucceeded events, want 1", len(done))
	}
	var s events.JobSucceeded
	if err := events.Decode(done[0], &s); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(s.Result.Rows[0], ","), fmt.Sprint(n, ",", n*(n-1)/2); got != want || s.Stats.Ranges < 4 {
		t.Fatalf("result %s over %d ranges, want %s over 4+", got, s.Stats.Ranges, want)
	}
}

// A fan-in request that arrives while a range is unfinished merges nothing.
func TestFanInWaitsForEveryRange(t *testing.T) {
	l, bus := ledgermem.New(), &wiringtest.Recorder{}
	prepare(t, l, bus, 20000, 2)
	early, _ := events.Encode("x", time.Now(), events.FanInRequested{SchemaVersion: events.SchemaVersion, JobID: "j", RangeCount: 4})
	if err := fanin.New(l, bus, fanin.Options{}).Handle(context.Background(), early); err != nil {
		t.Fatal(err)
	}
	if ended, err := joblog.Ended(context.Background(), l, "j"); err != nil || ended {
		t.Fatalf("job ended early (%v)", err)
	}
}
