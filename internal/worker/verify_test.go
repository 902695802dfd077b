package worker_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/joblog"
	ledgermem "github.com/batonrun/baton/internal/ledger/memory"
	objmem "github.com/batonrun/baton/internal/objstore/memory"
	"github.com/batonrun/baton/internal/splitter"
	"github.com/batonrun/baton/internal/worker"
)

// Stray or forged range events (another spec, a range outside the plan, a
// continuation that does not follow its predecessor) are refused before
// they are counted, and leave the job's log as it was.
func TestEventsThatDisagreeWithTheLogAreRefused(t *testing.T) {
	ctx := context.Background()
	store := objmem.New(objmem.Options{})
	store.Put("", "obj.csv", []byte(lines(3000)))
	l, bus := ledgermem.New(), &queue{}
	env, err := events.Encode("req", time.Now(), request("forge", 4096))
	if err != nil {
		t.Fatal(err)
	}
	if err := splitter.New(store, l, bus, splitter.Options{}).Handle(ctx, env); err != nil {
		t.Fatal(err)
	}
	first, _ := bus.pop()
	var ra events.RangeAssigned
	if err := events.Decode(first, &ra); err != nil {
		t.Fatal(err)
	}
	w, err := worker.New(store, l, bus, worker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	forged := map[string]events.Detail{}
	spec := ra
	spec.Spec.Query = "SELECT count(*) FROM s3object WHERE a > 1000"
	forged["other spec"] = spec
	out := ra
	out.Range.Index = 101
	forged["range outside the plan"] = out
	moved := ra
	moved.Range.LengthBytes++
	forged["range of another size"] = moved
	forged["continuation without predecessor"] = events.RangeContinued{SchemaVersion: events.SchemaVersion, JobID: ra.JobID,
		Range: ra.Range, Spec: ra.Spec, Generation: 1 << 30, CursorBytes: ra.Range.OffsetBytes + 10}
	forged["job that never started"] = events.RangeAssigned{SchemaVersion: events.SchemaVersion, JobID: "nope", Range: ra.Range, Spec: ra.Spec}
	for name, d := range forged {
		env, err := events.Encode("f", time.Now(), d)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Handle(ctx, env); !errors.Is(err, worker.ErrNotInPlan) || !errors.Is(err, events.ErrMalformed) {
			t.Errorf("%s: err = %v, want ErrNotInPlan", name, err)
		}
	}
	if n, _ := l.Count(ctx, ra.JobID, joblog.PrefixCkpt); n != 0 {
		t.Fatalf("%d checkpoints after refused events, want 0", n)
	}
	// The genuine event still runs (one batch: a batch takes an hour of
	// fake time and the deadline is 90 minutes away), and a continuation
	// must start where it stopped.
	clock := newClock()
	dctx, cancel := context.WithDeadline(ctx, clock.Now().Add(90*time.Minute))
	defer cancel()
	w, err = worker.New(store, l, bus, worker.Options{Now: clock.Now, Progress: &slowBatches{clock: clock, perBatch: time.Hour}})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Handle(dctx, first); err != nil {
		t.Fatal(err)
	}
	c, err := l.Get(ctx, ra.JobID, joblog.CkptKey(ra.Range.Index, 0))
	if err != nil {
		t.Fatal(err)
	}
	var ck events.CheckpointCommitted
	if err := joblog.Decode(c, &ck); err != nil {
		t.Fatal(err)
	}
	if ck.Done {
		t.Fatal("generation 0 finished the range; the test needs a hop")
	}
	next := events.RangeContinued{SchemaVersion: events.SchemaVersion, JobID: ra.JobID, Range: ra.Range, Spec: ra.Spec,
		Generation: 1, CursorBytes: ck.CursorBytes + 1}
	env, _ = events.Encode("g", time.Now(), next)
	if err := w.Handle(ctx, env); !errors.Is(err, worker.ErrNotInPlan) {
		t.Errorf("continuation off its predecessor's cursor: err = %v", err)
	}
	next.CursorBytes--
	env, _ = events.Encode("h", time.Now(), next)
	if err := w.Handle(ctx, env); err != nil {
		t.Errorf("the genuine continuation: %v", err)
	}
}
