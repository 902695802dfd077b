package main

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/joblog"
	"github.com/batonrun/baton/internal/wiring"
	"github.com/batonrun/baton/internal/wiring/wiringtest"
)

// asDetail turns v into the generic JSON shape of a golden detail field.
func asDetail(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// The golden RangeAssigned, pointed at a planned range of a real job, runs
// through the Lambda handler: the range's records are counted in its
// checkpoint, and the range's completion is recorded.
func TestInvokeGoldenRangeAssigned(t *testing.T) {
	e := wiringtest.New(wiring.Config{})
	data := wiringtest.FlightsCSV(400)
	assigned := wiringtest.StartJob(t, e, "w.csv", data, "SELECT count(*) FROM s3object", 1<<20)
	if len(assigned) != 1 {
		t.Fatalf("%d ranges, want 1", len(assigned))
	}
	ra := assigned[0]
	h, err := build(e.Deps)
	if err != nil {
		t.Fatal(err)
	}
	payload := wiringtest.Golden(t, "RangeAssigned", func(d map[string]any) {
		d["jobId"], d["range"], d["spec"] = ra.JobID, asDetail(t, ra.Range), asDetail(t, ra.Spec)
	})
	if _, err := h.Invoke(context.Background(), payload); err != nil {
		t.Fatal(err)
	}
	ck, err := e.Ledger.Get(context.Background(), ra.JobID, joblog.CkptKey(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	var c events.CheckpointCommitted
	if err := joblog.Decode(ck, &c); err != nil {
		t.Fatal(err)
	}
	if !c.Done || c.Records != 400 {
		t.Errorf("checkpoint done=%v records=%d, want done with 400", c.Done, c.Records)
	}
	if n, _ := e.Ledger.Count(context.Background(), ra.JobID, joblog.PrefixDone); n != 1 {
		t.Errorf("%d done entries, want 1", n)
	}
	if len(e.Bus.Published(events.TypeFanInRequested)) != 1 {
		t.Errorf("the last range did not request the fan-in")
	}
	// A redelivery of the same event changes nothing.
	if _, err := h.Invoke(context.Background(), payload); err != nil {
		t.Fatal(err)
	}
	if n, _ := e.Ledger.Count(context.Background(), ra.JobID, joblog.PrefixCkpt); n != 1 {
		t.Errorf("%d checkpoints after a redelivery, want 1", n)
	}
}
