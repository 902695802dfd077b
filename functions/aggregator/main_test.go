package main

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/wiring"
	"github.com/batonrun/baton/internal/wiring/wiringtest"
	"github.com/batonrun/baton/internal/worker"
)

// The golden FanInRequested, for a job whose ranges are all done, runs the
// fan-in through the Lambda handler; the published result equals counts
// computed from how the data was made.
func TestInvokeGoldenFanInRequested(t *testing.T) {
	e := wiringtest.New(wiring.Config{})
	const rows = 3000
	assigned := wiringtest.StartJob(t, e, "a.csv", wiringtest.FlightsCSV(rows),
		"SELECT origin, count(*) FROM s3object GROUP BY origin ORDER BY origin", 8<<10)
	if len(assigned) < 3 {
		t.Fatalf("%d ranges, want several", len(assigned))
	}
	w, err := worker.New(e.Store, e.Ledger, e.Bus, worker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, ra := range assigned {
		env, err := events.Encode("ra-"+strconv.Itoa(ra.Range.Index), time.Now(), ra)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Handle(context.Background(), env); err != nil {
			t.Fatal(err)
		}
	}
	h, err := build(e.Deps)
	if err != nil {
		t.Fatal(err)
	}
	payload := wiringtest.Golden(t, "FanInRequested", func(d map[string]any) {
		d["jobId"], d["rangeCount"] = assigned[0].JobID, len(assigned)
	})
	if _, err := h.Invoke(context.Background(), payload); err != nil {
		t.Fatal(err)
	}
	done := e.Bus.Published(events.TypeJobSucceeded)
	if len(done) != 1 {
		t.Fatalf("%d JobSucceeded published, want 1", len(done))
	}
	var js events.JobSucceeded
	if err := events.Decode(done[0], &js); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	for i := range rows {
		want[wiringtest.Origins[i%3]]++
	}
	if len(js.Result.Rows) != len(want) {
		t.Fatalf("result rows %v, want %v", js.Result.Rows, want)
	}
	for _, row := range js.Result.Rows {
		if n, err := strconv.Atoi(row[1]); err != nil || n != want[row[0]] {
			t.Errorf("origin %s: count %s, want %d", row[0], row[1], want[row[0]])
		}
	}
}
