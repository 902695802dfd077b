package e2e

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/batonrun/baton/observability"
)

// callerTraceParent is the trace context the test's PutEvents JobRequested
// carries, as a caller already inside a trace would send it: the job must
// join this trace.
const (
	callerTraceID     = "6745a2b1c0d3e4f5a6b7c8d9e0f1a2b3"
	callerSpanID      = "a1b2c3d4e5f60718"
	callerTraceParent = "00-" + callerTraceID + "-" + callerSpanID + "-01"
)

// readSpans reads every function process's span file in dir.
func readSpans(t *testing.T, dir string) []observability.SpanRecord {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no span files in %s (%v)", dir, err)
	}
	var all []observability.SpanRecord
	for _, f := range files {
		spans, err := observability.ReadSpanFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, spans...)
	}
	return all
}

func attr(s observability.SpanRecord, key string) string { return fmt.Sprint(s.Attributes[key]) }

// checkTrace asserts that a job is one connected trace across the real
// function processes: every Baton span of the job has one trace id
// (wantTraceID when not ""); the splitter's span is the root or the
// caller's child; each worker invocation's parent is the span that
// published its event (the split for generation 0, the same range's
// previous generation after); the fan-in links to the final span of every
// range; and AWS SDK calls appear as child spans. A parent may be missing
// only where the publishing attempt failed (failed holds attemptKeys): an
// invocation the emulator killed at its timeout after it had published
// never ended its span, as in Lambda.
func checkTrace(t *testing.T, spans []observability.SpanRecord, jobID, wantTraceID string, ranges int, failed map[string]bool) {
	t.Helper()
	byID := map[string]observability.SpanRecord{}
	var job []observability.SpanRecord
	traces := map[string]bool{}
	for _, s := range spans {
		byID[s.SpanID] = s
		if attr(s, "baton.job.id") == jobID {
			job = append(job, s)
			traces[s.TraceID] = true
		}
	}
	if len(traces) != 1 {
		t.Fatalf("job %s spans are in %d traces, want 1", jobID, len(traces))
	}
	var split, fanin []observability.SpanRecord
	final := map[string]string{} // range index -> span id of its done invocation
	for _, s := range job {
		if wantTraceID != "" && s.TraceID != wantTraceID {
			t.Fatalf("job %s is in trace %s, not the caller's %s", jobID, s.TraceID, wantTraceID)
		}
		switch s.Name {
		case "baton.split":
			split = append(split, s)
		case "baton.fanin":
			if attr(s, "baton.outcome") == "ok" {
				fanin = append(fanin, s)
			}
		case "baton.range":
			checkRangeParent(t, s, byID, jobID, failed)
			if attr(s, "baton.stop_reason") == "done" && attr(s, "baton.outcome") == "ok" {
				final[attr(s, "baton.range.index")] = s.SpanID
			}
		}
	}
	if len(split) == 0 || len(fanin) != 1 || len(final) != ranges {
		t.Fatalf("job %s: %d split spans, %d successful fan-ins, %d finished ranges (want >=1, 1, %d)", jobID, len(split), len(fanin), len(final), ranges)
	}
	for _, s := range split {
		if wantTraceID != "" && s.ParentSpanID != callerSpanID {
			t.Errorf("split span's parent %q, want the caller's %s", s.ParentSpanID, callerSpanID)
		}
	}
	linked := map[string]bool{}
	for _, l := range fanin[0].Links {
		linked[l.SpanID] = true
	}
	for idx, id := range final {
		if !linked[id] {
			t.Errorf("fan-in does not link range %s's final span %s", idx, id)
		}
	}
	sdkCalls := 0
	for _, s := range spans {
		if p, ok := byID[s.ParentSpanID]; ok && traces[s.TraceID] && p.Name == "baton.range" && s.Name != "baton.range" {
			sdkCalls++
		}
	}
	if sdkCalls == 0 {
		t.Errorf("no AWS SDK call spans under the workers' spans")
	}
}

// checkRangeParent: generation 0's parent is a split span; generation g's
// is the same range's generation g-1.
func checkRangeParent(t *testing.T, s observability.SpanRecord, byID map[string]observability.SpanRecord, jobID string, failed map[string]bool) {
	t.Helper()
	var gen, idx int
	fmt.Sscan(attr(s, "baton.generation"), &gen)
	fmt.Sscan(attr(s, "baton.range.index"), &idx)
	p, ok := byID[s.ParentSpanID]
	if !ok {
		if gen > 0 && failed[attemptKey(jobID, idx, gen-1)] {
			t.Logf("range %d gen %d: parent span not exported; an attempt of gen %d timed out", idx, gen, gen-1)
			return
		}
		t.Errorf("range %d gen %d: parent span %q was not exported", idx, gen, s.ParentSpanID)
		return
	}
	switch {
	case gen == 0 && p.Name != "baton.split":
		t.Errorf("range %s gen 0: parent is %s, want baton.split", attr(s, "baton.range.index"), p.Name)
	case gen > 0 && (p.Name != "baton.range" || attr(p, "baton.range.index") != attr(s, "baton.range.index") || attr(p, "baton.generation") != fmt.Sprint(gen-1)):
		t.Errorf("range %s gen %d: parent is %s range %s gen %s", attr(s, "baton.range.index"), gen, p.Name, attr(p, "baton.range.index"), attr(p, "baton.generation"))
	}
}
