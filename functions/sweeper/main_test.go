package main

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/splitter"
	"github.com/batonrun/baton/internal/wiring"
	"github.com/batonrun/baton/internal/wiring/wiringtest"
)

// scheduled is the event an EventBridge schedule delivers.
const scheduled = `{"version":"0","id":"53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa","detail-type":"Scheduled Event",
"source":"aws.events","account":"123456789012","time":"2026-11-29T14:05:00Z","region":"eu-west-1",
"resources":["arn:aws:events:eu-west-1:123456789012:rule/baton-sweeper"],"detail":{}}`

// startJob starts a job whose ledger entries are stamped at, and returns
// the (job, range) of every RangeAssigned the splitter published.
func startJob(t *testing.T, e *wiringtest.Env, key string, at time.Time) []string {
	t.Helper()
	obj := e.Store.Put("bucket", key, wiringtest.FlightsCSV(300))
	req := events.JobRequested{SchemaVersion: events.SchemaVersion, JobID: "job-" + key, Object: obj,
		Query: "SELECT count(*) FROM s3object", Format: events.Format{Kind: "csv", Header: true}, Limits: events.Limits{RangeSizeBytes: 2048}}
	env, err := events.Encode("req-"+key, at, req)
	if err != nil {
		t.Fatal(err)
	}
	before := len(e.Bus.Published(events.TypeRangeAssigned))
	s := splitter.New(e.Store, e.Ledger, e.Bus, splitter.Options{Now: func() time.Time { return at }})
	if err := s.Handle(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	return assigned(t, e.Bus.Published(events.TypeRangeAssigned)[before:])
}

func assigned(t *testing.T, envs []events.Envelope) []string {
	t.Helper()
	var out []string
	for _, env := range envs {
		var ra events.RangeAssigned
		if err := events.Decode(env, &ra); err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal([]any{ra.JobID, ra.Range.Index})
		out = append(out, string(b))
	}
	slices.Sort(out)
	return out
}

// A scheduled invocation re-publishes RangeAssigned for every range of a
// job whose ledger has been still for longer than StalledAfter (its events
// were dropped), and leaves a job that moved recently alone.
func TestScheduledSweepRedrivesStalledJobs(t *testing.T) {
	e := wiringtest.New(wiring.Config{StalledAfter: 30 * time.Minute})
	stalled := startJob(t, e, "stalled.csv", time.Now().Add(-time.Hour))
	startJob(t, e, "fresh.csv", time.Now())
	if len(stalled) < 2 {
		t.Fatalf("want a job with several ranges, got %d", len(stalled))
	}
	before := len(e.Bus.Published(events.TypeRangeAssigned))
	h, err := build(e.Deps)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Invoke(context.Background(), []byte(scheduled)); err != nil {
		t.Fatal(err)
	}
	got := assigned(t, e.Bus.Published(events.TypeRangeAssigned)[before:])
	if !slices.Equal(got, stalled) {
		t.Fatalf("sweep re-published %v, want the stalled job's ranges %v", got, stalled)
	}
}

// A negative threshold is refused when the handler is built.
func TestBadThreshold(t *testing.T) {
	e := wiringtest.New(wiring.Config{StalledAfter: -time.Second})
	if _, err := build(e.Deps); err == nil {
		t.Fatal("negative StalledAfter accepted")
	}
}
