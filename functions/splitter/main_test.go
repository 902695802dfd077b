package main

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/claimcheck"
	"github.com/batonrun/baton/internal/joblog"
	"github.com/batonrun/baton/internal/wiring"
	"github.com/batonrun/baton/internal/wiring/wiringtest"
)

// The golden JobRequested, pointed at an object in the store, starts a job
// through the Lambda handler: one RangeAssigned per planned range.
func TestInvokeGoldenJobRequested(t *testing.T) {
	e := wiringtest.New(wiring.Config{})
	obj := e.Store.Put("baton-flights-123456789012", "flights/small.csv", wiringtest.FlightsCSV(500))
	h, err := build(e.Deps)
	if err != nil {
		t.Fatal(err)
	}
	payload := wiringtest.Golden(t, "JobRequested", func(d map[string]any) {
		d["object"].(map[string]any)["key"] = obj.Key
		d["limits"] = map[string]any{"rangeSizeBytes": 4096}
	})
	if _, err := h.Invoke(context.Background(), payload); err != nil {
		t.Fatal(err)
	}
	wantRanges := int((obj.SizeBytes + 4095) / 4096)
	assigned := e.Bus.Published(events.TypeRangeAssigned)
	if len(assigned) != wantRanges {
		t.Fatalf("%d RangeAssigned published, want %d", len(assigned), wantRanges)
	}
	var ra events.RangeAssigned
	if err := events.Decode(assigned[0], &ra); err != nil {
		t.Fatal(err)
	}
	if ra.Spec.Object.ETag != obj.ETag || ra.Spec.Object.SizeBytes != obj.SizeBytes {
		t.Errorf("spec pins %+v, want %+v", ra.Spec.Object, obj)
	}
	if n, _ := e.Ledger.Count(context.Background(), ra.JobID, joblog.PrefixPlan); n != wantRanges {
		t.Errorf("%d plan entries, want %d", n, wantRanges)
	}
}

// S3's golden "Object Created" event starts a job on the URL-decoded key
// with the configured upload query and stack defaults.
func TestInvokeGoldenS3Upload(t *testing.T) {
	e := wiringtest.New(wiring.Config{UploadQuery: "SELECT count(*) FROM s3object", RangeSizeBytes: 2048, BatchSizeBytes: 1024})
	raw := wiringtest.Golden(t, "s3/ObjectCreated", nil)
	var env events.Envelope
	if err := json.Unmarshal(raw, &env); err != nil {
		t.Fatal(err)
	}
	d, err := events.DecodeS3ObjectCreated(env)
	if err != nil {
		t.Fatal(err)
	}
	key, _ := url.QueryUnescape(d.Object.Key)
	obj := e.Store.Put(d.Bucket.Name, key, wiringtest.FlightsCSV(300))
	raw = []byte(strings.Replace(string(raw), `"IYV3p45BT0ac8hjHg1houSdS1a.Mro8e"`, `""`, 1)) // the memory store is unversioned
	raw = []byte(strings.Replace(string(raw), `"9b2cf535f27731c974343645a3985328"`, strconv.Quote(obj.ETag), 1))
	h, err := build(e.Deps)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Invoke(context.Background(), raw); err != nil {
		t.Fatal(err)
	}
	assigned := e.Bus.Published(events.TypeRangeAssigned)
	if want := int((obj.SizeBytes + 2047) / 2048); len(assigned) != want {
		t.Fatalf("%d RangeAssigned, want %d", len(assigned), want)
	}
	var ra events.RangeAssigned
	if err := events.Decode(assigned[0], &ra); err != nil {
		t.Fatal(err)
	}
	if ra.Spec.Object.Key != key || ra.Spec.Query != "SELECT count(*) FROM s3object" || ra.Spec.Limits.BatchSizeBytes != 1024 {
		t.Errorf("spec %+v", ra.Spec)
	}
}

// A claim-checked JobRequested is resolved before the handler runs; a
// payload that is not an event is an error, not a started job.
func TestInvokeClaimCheckAndGarbage(t *testing.T) {
	e := wiringtest.New(wiring.Config{})
	obj := e.Store.Put("b", "k.csv", wiringtest.FlightsCSV(50))
	h, err := build(e.Deps)
	if err != nil {
		t.Fatal(err)
	}
	var env events.Envelope
	if err := json.Unmarshal(wiringtest.Golden(t, "JobRequested", func(d map[string]any) {
		d["object"] = map[string]any{"bucket": "b", "key": obj.Key}
	}), &env); err != nil {
		t.Fatal(err)
	}
	wrapped, err := claimcheck.Wrap(context.Background(), e.Blobs, "payloads", env)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Invoke(context.Background(), wiringtest.Payload(t, wrapped)); err != nil {
		t.Fatal(err)
	}
	if len(e.Bus.Published(events.TypeRangeAssigned)) != 1 {
		t.Fatalf("claim-checked request did not start the job")
	}
	for _, bad := range []string{`[]`, `{"detail-type":"JobRequested","detail":{"schemaVersion":1}}`, `not json`} {
		if _, err := h.Invoke(context.Background(), []byte(bad)); err == nil {
			t.Errorf("Invoke(%s): no error", bad)
		}
	}
}
