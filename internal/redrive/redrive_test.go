package redrive_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/batonrun/baton/aggregate/fanin"
	"github.com/batonrun/baton/events"
	ledgermem "github.com/batonrun/baton/internal/ledger/memory"
	objmem "github.com/batonrun/baton/internal/objstore/memory"
	"github.com/batonrun/baton/internal/redrive"
	"github.com/batonrun/baton/internal/splitter"
	"github.com/batonrun/baton/internal/wiring/wiringtest"
	"github.com/batonrun/baton/internal/worker"
)

// Every event of a job is lost at each step; redrive re-publishes the next
// one each time (RangeAssigned, then RangeContinued at the checkpoint's
// cursor, then FanInRequested), and the job ends with the exact count.
func TestRedriveReplacesLostEventsAtEveryStep(t *testing.T) {
	ctx := context.Background()
	const rows = 5000
	var b strings.Builder
	for i := range rows {
		fmt.Fprintf(&b, "line %d\n", i)
	}
	store := objmem.New(objmem.Options{})
	obj := store.Put("", "in.txt", []byte(b.String()))
	l, bus := ledgermem.New(), &wiringtest.Recorder{}
	req := events.JobRequested{SchemaVersion: events.SchemaVersion, JobID: "lost", Object: obj, Query: "SELECT count(*) FROM s3object",
		Format: events.Format{Kind: "lines"}, Limits: events.Limits{RangeSizeBytes: 16 << 10, BatchSizeBytes: 2 << 10}}
	env, _ := events.Encode("r", time.Now(), req)
	if err := splitter.New(store, l, bus, splitter.Options{}).Handle(ctx, env); err != nil {
		t.Fatal(err)
	}
	planned := len(bus.Take("")) // lost
	step := func(wantAssigned, wantContinued int, wantFanIn bool) []events.Envelope {
		t.Helper()
		rep, err := redrive.Job(ctx, l, bus, "lost", redrive.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Assigned) != wantAssigned || len(rep.Continued) != wantContinued || rep.FanIn != wantFanIn {
			t.Fatalf("report %+v, want %d assigned, %d continued, fan-in %v", rep, wantAssigned, wantContinued, wantFanIn)
		}
		return bus.Take("")
	}
	// Generation 0 of every range stops after one slow batch; its continuation is lost.
	c := wiringtest.NewSlowClock(time.Now().Add(time.Hour), time.Hour)
	slow, _ := worker.New(store, l, bus, worker.Options{Now: c.Now, Progress: c})
	for _, env := range step(planned, 0, false) {
		dctx, cancel := context.WithDeadline(ctx, c.Now().Add(90*time.Minute))
		if err := slow.Handle(dctx, env); err != nil {
			t.Fatal(err)
		}
		cancel()
	}
	bus.Take("")
	// The continuations finish every range; the fan-in request is lost.
	fast, _ := worker.New(store, l, bus, worker.Options{})
	for _, env := range step(0, planned, false) {
		var rc events.RangeContinued
		if err := events.Decode(env, &rc); err != nil || rc.Generation != 1 || rc.CursorBytes <= rc.Range.OffsetBytes {
			t.Fatalf("redriven continuation %+v, %v", rc, err)
		}
		if err := fast.Handle(ctx, env); err != nil {
			t.Fatal(err)
		}
	}
	bus.Take("")
	agg := fanin.New(l, bus, fanin.Options{})
	for _, env := range step(0, 0, true) {
		if err := agg.Handle(ctx, env); err != nil {
			t.Fatal(err)
		}
	}
	var js events.JobSucceeded
	for _, env := range bus.Take("") {
		if env.DetailType == events.TypeJobSucceeded {
			if err := events.Decode(env, &js); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(js.Result.Rows) != 1 || js.Result.Rows[0][0] != fmt.Sprint(rows) {
		t.Fatalf("result %v, want count %d", js.Result.Rows, rows)
	}
	if rep, err := redrive.Job(ctx, l, bus, "lost", redrive.Options{}); err != nil || !rep.Ended || rep.Published() != 0 {
		t.Fatalf("redrive of an ended job: %+v, %v", rep, err)
	}
}

// Sweep redrives only jobs whose log has been quiet for StalledAfter.
func TestSweepOnlyStalledJobs(t *testing.T) {
	ctx := context.Background()
	store := objmem.New(objmem.Options{})
	obj := store.Put("", "in.txt", []byte("a\nb\n"))
	l, bus := ledgermem.New(), &wiringtest.Recorder{}
	req := events.JobRequested{SchemaVersion: events.SchemaVersion, JobID: "quiet", Object: obj, Query: "SELECT count(*) FROM s3object",
		Format: events.Format{Kind: "lines"}}
	env, _ := events.Encode("r", time.Now(), req)
	if err := splitter.New(store, l, bus, splitter.Options{}).Handle(ctx, env); err != nil {
		t.Fatal(err)
	}
	bus.Take("")
	now := time.Now()
	if reps, err := redrive.Sweep(ctx, l, bus, redrive.Options{StalledAfter: time.Hour, Now: func() time.Time { return now }}); err != nil || len(reps) != 0 || len(bus.Take("")) != 0 {
		t.Fatalf("a job active a moment ago was swept: %+v, %v", reps, err)
	}
	later := func() time.Time { return now.Add(2 * time.Hour) }
	reps, err := redrive.Sweep(ctx, l, bus, redrive.Options{StalledAfter: time.Hour, Now: later})
	if err != nil || len(reps) != 1 || len(reps[0].Assigned) != 1 || len(bus.Take("")) != 1 {
		t.Fatalf("stalled job not swept: %+v, %v", reps, err)
	}
}
