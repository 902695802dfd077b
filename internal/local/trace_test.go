package local_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/joblog"
	"github.com/batonrun/baton/internal/ledger/sqlite"
	"github.com/batonrun/baton/internal/local"
	"github.com/batonrun/baton/internal/localrt"
	"github.com/batonrun/baton/internal/tracereport"
	"github.com/batonrun/baton/observability"
)

// A local job with recursion and every event delivered twice (the start
// event too, whose duplicate republishes the plan) leaves one connected
// trace in its span file: one span per invocation attempt, every range
// span's publisher recorded, the hops the ledger counts, and JSON log lines
// carrying the job id.
func TestRunRecordsOneConnectedTrace(t *testing.T) {
	dir := t.TempDir()
	out := run(t, local.Config{Path: "../../testdata/flights-sample.csv", Format: events.Format{Kind: "csv", Header: true},
		Query: "SELECT count(*) FROM s3object", StateDir: dir, DuplicateProbability: 1, Seed: 3, // the start event too
		Limits:  events.Limits{RangeSizeBytes: 512 << 10, BatchSizeBytes: 2 << 10},
		Runtime: localrt.Options{Timeout: 3 * time.Millisecond, RetryAttempts: 20}})
	if out.TracePath != local.TracePath(dir, out.JobID) {
		t.Errorf("TracePath %s, want %s", out.TracePath, local.TracePath(dir, out.JobID))
	}
	recs, err := observability.ReadSpanFile(out.TracePath)
	if err != nil {
		t.Fatal(err)
	}
	spans := make([]tracereport.Span, len(recs))
	for i, r := range recs {
		spans[i] = tracereport.Span{Name: r.Name, TraceID: r.TraceID, SpanID: r.SpanID, ParentSpanID: r.ParentSpanID,
			Start: r.Start, End: r.End, Attributes: r.Attributes, StatusCode: r.StatusCode}
	}
	tl, err := tracereport.Build(spans, out.JobID)
	if err != nil {
		t.Fatal(err)
	}
	if len(tl.TraceIDs) != 1 {
		t.Errorf("trace ids %v, want one", tl.TraceIDs)
	}
	if int64(tl.Invocations) != out.Runtime.Invocations {
		t.Errorf("%d invocation spans, runtime made %d invocation attempts", tl.Invocations, out.Runtime.Invocations)
	}
	status := ledgerStatus(t, dir, out.JobID)
	if tl.Ranges != status.Ranges || tl.Hops != status.Hops || tl.Hops == 0 {
		t.Errorf("trace shows %d ranges and %d hops, the ledger %d and %d (want hops)", tl.Ranges, tl.Hops, status.Ranges, status.Hops)
	}
	for _, row := range tl.Rows[1:] {
		for _, inv := range row.Invocations {
			if !inv.HasGap {
				t.Errorf("%s g%d (%s): publishing span not in the trace", row.Label, inv.Generation, inv.SpanID)
			}
		}
	}
	checkLogLines(t, out.LogPath, out.JobID)
}

func ledgerStatus(t *testing.T, dir, jobID string) joblog.Status {
	t.Helper()
	led, err := sqlite.Open(local.LedgerPath(dir), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer led.Close()
	entries, err := led.List(context.Background(), jobID, "")
	if err != nil {
		t.Fatal(err)
	}
	s, err := joblog.Fold(jobID, entries)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// checkLogLines wants at least one JSON line, each naming the job.
func checkLogLines(t *testing.T, path, jobID string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	for sc := bufio.NewScanner(f); sc.Scan(); n++ {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("log line %d: %v: %s", n+1, err, sc.Bytes())
		}
		if line["job_id"] != jobID || line["trace_id"] == nil {
			t.Errorf("log line %d lacks job_id %s or trace_id: %s", n+1, jobID, sc.Bytes())
		}
	}
	if n == 0 {
		t.Errorf("%s has no log lines", path)
	}
}
