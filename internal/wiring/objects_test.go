package wiring_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/batonrun/baton/aggregate/fanin"
	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/joblog"
	"github.com/batonrun/baton/internal/objstore"
	"github.com/batonrun/baton/internal/splitter"
	"github.com/batonrun/baton/internal/wiring"
	"github.com/batonrun/baton/internal/wiring/wiringtest"
	"github.com/batonrun/baton/internal/worker"
)

// denied is a store that refuses every object as S3 does with 403.
type denied struct{ wiring.ObjectStore }

func (denied) Head(_ context.Context, bucket, key, _ string) (events.ObjectRef, error) {
	return events.ObjectRef{}, fmt.Errorf("head s3://%s/%s: %w", bucket, key, objstore.ErrAccessDenied)
}

// outcome is a job's terminal entry: its succeeded record count or its
// failure.
type outcome struct {
	records int64
	failed  *events.JobFailed
}

// runJob requests query over bucket/key through the Lambda handlers of the
// splitter, worker and fan-in (d's adapters), delivering every published
// event until none is left, and returns the job's terminal entry.
func runJob(t *testing.T, e *wiringtest.Env, store wiring.ObjectStore, key string, limits events.Limits) outcome {
	t.Helper()
	d := e.Deps
	d.Store = store
	w, err := worker.New(store, d.Ledger, d.Bus, d.WorkerOptions())
	if err != nil {
		t.Fatal(err)
	}
	handlers := map[string]func(context.Context, events.Envelope) error{
		events.TypeJobRequested:   splitter.New(store, d.Ledger, d.Bus, d.SplitterOptions()).Handle,
		events.TypeRangeAssigned:  w.Handle,
		events.TypeRangeContinued: w.Handle,
		events.TypeFanInRequested: fanin.New(d.Ledger, d.Bus, d.FaninOptions()).Handle,
	}
	req := events.JobRequested{SchemaVersion: events.SchemaVersion, JobID: "job-" + key,
		Object: events.ObjectRef{Bucket: "bucket", Key: key}, Query: "SELECT count(*) FROM s3object",
		Format: events.Format{Kind: "lines"}, Limits: limits}
	env, err := events.Encode("req-"+key, time.Now(), req)
	if err != nil {
		t.Fatal(err)
	}
	queue := []events.Envelope{env}
	seen := 0
	for len(queue) > 0 {
		env, queue = queue[0], queue[1:]
		if h := handlers[env.DetailType]; h != nil {
			if _, err := d.Handler(h).Invoke(context.Background(), wiringtest.Payload(t, env)); err != nil {
				t.Fatalf("%s: %v", env.DetailType, err)
			}
		}
		all := e.Bus.All()
		queue, seen = append(queue, all[seen:]...), len(all)
	}
	return terminal(t, e, req.JobID)
}

func terminal(t *testing.T, e *wiringtest.Env, jobID string) outcome {
	t.Helper()
	entry, err := e.Ledger.Get(context.Background(), jobID, joblog.KeyTerminal)
	if err != nil {
		t.Fatalf("no terminal entry: %v", err)
	}
	if entry.DetailType == events.TypeJobFailed {
		var f events.JobFailed
		if err := joblog.Decode(entry, &f); err != nil {
			t.Fatal(err)
		}
		return outcome{failed: &f}
	}
	var s events.JobSucceeded
	if err := joblog.Decode(entry, &s); err != nil {
		t.Fatal(err)
	}
	var n int64
	if _, err := fmt.Sscan(s.Result.Rows[0][0], &n); err != nil {
		t.Fatalf("count cell %q: %v", s.Result.Rows[0][0], err)
	}
	return outcome{records: n}
}

// Hostile objects (issue 5, point 7) each end their job with the right,
// clear outcome: failed with a code and a reason naming the object or the
// offset, or an exact count.
func TestHostileObjects(t *testing.T) {
	big := strings.Repeat("x", 3000)
	cases := []struct {
		name   string
		data   *string // nil: no object
		deny   bool
		limits events.Limits
		code   string // failure code; "" = succeeds
		reason string // the failure reason contains this
	}{
		{name: "missing", code: events.CodeObjectMissing, reason: "k"},
		{name: "access denied", data: ptr("a\n"), deny: true, code: events.CodeAccessDenied, reason: "access denied"},
		{name: "zero bytes", data: ptr("")},
		{name: "one byte", data: ptr("a")},
		{name: "one newline", data: ptr("\n")},
		{name: "one byte and newline", data: ptr("a\n")},
		{name: "record over the limit", data: ptr("ok\n" + big + "\nok\n"), limits: events.Limits{MaxRecordBytes: 1024, RangeSizeBytes: 1024},
			code: events.CodeRecordTooBig, reason: "offset 3"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := wiringtest.New(wiring.Config{})
			var store wiring.ObjectStore = e.Store
			if tc.data != nil {
				e.Store.Put("bucket", "k", []byte(*tc.data))
			}
			if tc.deny {
				store = denied{e.Store}
			}
			got := runJob(t, e, store, "k", tc.limits)
			if tc.code == "" {
				if got.failed != nil {
					t.Fatalf("failed: %+v", *got.failed)
				}
				if want := lines(*tc.data); got.records != want {
					t.Fatalf("count %d, want %d", got.records, want)
				}
				return
			}
			if got.failed == nil || got.failed.Code != tc.code || !strings.Contains(got.failed.Reason, tc.reason) {
				t.Fatalf("outcome %+v (%d records), want code %s with %q in the reason", got.failed, got.records, tc.code, tc.reason)
			}
		})
	}
}

func ptr(s string) *string { return &s }

// lines counts line records the way the lines format defines them: each
// "\n" ends one, and a last line without "\n" is one more.
func lines(s string) int64 {
	n := int64(strings.Count(s, "\n"))
	if s != "" && !strings.HasSuffix(s, "\n") {
		n++
	}
	return n
}
