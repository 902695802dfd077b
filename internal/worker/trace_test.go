package worker_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/joblog"
	"github.com/batonrun/baton/internal/objstore/cache"
	"github.com/batonrun/baton/internal/tracectx"
)

// secretLines is a CSV whose keys ("sec00042x") must never leak into spans
// or logs: record contents stay out of telemetry.
func secretLines(n int) string {
	var b strings.Builder
	b.WriteString("k,v\n")
	for i := range n {
		fmt.Fprintf(&b, "sec%05dx,%d\n", i, i)
	}
	return b.String()
}

// jobTrace is the spans of one job, by handler.
type jobTrace struct {
	all    []sdktrace.ReadOnlySpan
	split  sdktrace.ReadOnlySpan
	fanin  sdktrace.ReadOnlySpan
	ranges map[rangeKey]sdktrace.ReadOnlySpan
}

func collect(t *testing.T, spans []sdktrace.ReadOnlySpan) jobTrace {
	t.Helper()
	jt := jobTrace{all: spans, ranges: map[rangeKey]sdktrace.ReadOnlySpan{}}
	for _, s := range spans {
		switch s.Name() {
		case tracectx.SpanSplit:
			if jt.split != nil {
				t.Fatal("two baton.split spans")
			}
			jt.split = s
		case tracectx.SpanFanIn:
			if jt.fanin != nil {
				t.Fatal("two baton.fanin spans")
			}
			jt.fanin = s
		case tracectx.SpanRange:
			k := rangeKey{int(attr(s, tracectx.AttrRangeIndex).AsInt64()), int(attr(s, tracectx.AttrGeneration).AsInt64())}
			if _, dup := jt.ranges[k]; dup {
				t.Fatalf("two spans for %v", k)
			}
			jt.ranges[k] = s
		default:
			t.Fatalf("unexpected span %q", s.Name())
		}
	}
	if jt.split == nil || jt.fanin == nil || len(jt.ranges) == 0 {
		t.Fatalf("spans: split %v, fanin %v, %d ranges", jt.split != nil, jt.fanin != nil, len(jt.ranges))
	}
	return jt
}

// handlerSpan is the span name of the handler for a detail-type ("" for
// events no handler takes).
func handlerSpan(detailType string) string {
	switch detailType {
	case events.TypeJobRequested:
		return tracectx.SpanSplit
	case events.TypeRangeAssigned, events.TypeRangeContinued:
		return tracectx.SpanRange
	case events.TypeFanInRequested:
		return tracectx.SpanFanIn
	}
	return ""
}

// tracedHarness is a harness over n secret lines (8 s per batch, 1 KiB
// batches, 15 s timeouts) with a warm cache and recorded telemetry.
func tracedHarness(t *testing.T, n int) (*harness, *traced) {
	t.Helper()
	h := newHarness(t, secretLines(n), 8*time.Second, 1024)
	h.timeout = 15 * time.Second
	c, err := cache.New(h.store, cache.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h.cache = c
	tr := newTraced()
	h.tel = tr.telemetry()
	return h, tr
}

// runTraced runs a job with recursion (several ranges, several hops each)
// through the three handlers with recorded telemetry. After every handler
// call it checks that every span started so far has ended and that the
// call recorded exactly its own span.
func runTraced(t *testing.T, caller *events.Trace) (*harness, *traced, events.JobSucceeded, int) {
	t.Helper()
	const n = 3000
	h, tr := tracedHarness(t, n)
	published := 0
	h.after = func(env events.Envelope) {
		published++ // every delivery but the request was published by a handler
		ended := tr.rec.Ended()
		for _, s := range tr.rec.Started() {
			if s.EndTime().IsZero() {
				t.Fatalf("after %s: span %s still open", env.DetailType, s.Name())
			}
		}
		want := handlerSpan(env.DetailType)
		if want == "" {
			return
		}
		if last := ended[len(ended)-1]; last.Name() != want {
			t.Fatalf("after %s: last ended span %s, want %s", env.DetailType, last.Name(), want)
		}
	}
	req := events.JobRequested{SchemaVersion: events.SchemaVersion, JobID: "traced", Object: events.ObjectRef{Key: "obj.csv"},
		Query: "SELECT count(*), sum(v) FROM s3object", Format: events.Format{Kind: "csv", Header: true},
		Limits: events.Limits{RangeSizeBytes: 8 << 10, BatchSizeBytes: 1024}, Trace: caller}
	res := h.run(req)
	if got, want := strings.Join(res.Result.Rows[0], ","), fmt.Sprint(n, ",", n*(n-1)/2); got != want {
		t.Fatalf("result %s, want %s", got, want)
	}
	if res.Stats.Ranges < 3 || res.Stats.Hops < 2*res.Stats.Ranges {
		t.Fatalf("%d ranges, %d hops: want several ranges with recursion", res.Stats.Ranges, res.Stats.Hops)
	}
	return h, tr, res, published - 1
}

// TestTraceOfJobWithRecursion: one trace across every invocation, each
// worker span a child of the span that published its event, the fan-in
// linked to every range's final span, attributes equal to the committed
// checkpoints, and metrics equal to the job's statistics.
func TestTraceOfJobWithRecursion(t *testing.T) {
	h, tr, res, published := runTraced(t, nil)
	jt := collect(t, tr.rec.Ended())
	if len(jt.ranges) != res.Stats.Invocations {
		t.Fatalf("%d baton.range spans, %d invocations", len(jt.ranges), res.Stats.Invocations)
	}
	checkOneTrace(t, jt)
	if jt.split.Parent().IsValid() {
		t.Errorf("baton.split of a request without trace has parent %v, want a new root", jt.split.Parent())
	}
	checkChain(t, jt)
	checkRangeAttributes(t, h, jt)
	final := checkLinks(t, jt, res.Stats.Ranges)
	checkFanInParent(t, jt, final)
	checkJobSpans(t, jt, res.Stats.Ranges)
	checkMetrics(t, tr, h, res, published, len(jt.all))
	checkLogs(t, tr, jt)
}

func checkOneTrace(t *testing.T, jt jobTrace) {
	t.Helper()
	id := jt.split.SpanContext().TraceID()
	for _, s := range jt.all {
		if s.SpanContext().TraceID() != id {
			t.Fatalf("span %s %v in trace %s, want %s", s.Name(), attr(s, tracectx.AttrGeneration).Emit(), s.SpanContext().TraceID(), id)
		}
	}
}

// checkChain: generation 0's parent is the split span, generation g's the
// span of generation g-1 of the same range.
func checkChain(t *testing.T, jt jobTrace) {
	t.Helper()
	for k, s := range jt.ranges {
		want := jt.split.SpanContext()
		if k.gen > 0 {
			prev, ok := jt.ranges[rangeKey{k.index, k.gen - 1}]
			if !ok {
				t.Fatalf("%v has no predecessor span", k)
			}
			want = prev.SpanContext()
		}
		if !sameSpan(s.Parent(), want) || !s.Parent().IsRemote() {
			t.Errorf("%v: parent %v, want remote %v", k, s.Parent().SpanID(), want.SpanID())
		}
	}
}

// checkRangeAttributes compares each worker span with the checkpoint its
// invocation committed.
func checkRangeAttributes(t *testing.T, h *harness, jt jobTrace) {
	t.Helper()
	cks, err := h.ledger.List(context.Background(), "traced", joblog.PrefixCkpt)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range cks {
		var ck events.CheckpointCommitted
		if err := joblog.Decode(e, &ck); err != nil {
			t.Fatal(err)
		}
		k := rangeKey{ck.RangeIndex, ck.Generation}
		s, ok := jt.ranges[k]
		if !ok {
			t.Fatalf("no span for %v", k)
		}
		cacheWant := tracectx.CacheMiss
		if ck.CacheHits > 0 {
			cacheWant = tracectx.CacheHit
		}
		got := fmt.Sprint(attr(s, tracectx.AttrJobID).AsString(), attr(s, tracectx.AttrCursorStart).AsInt64(),
			attr(s, tracectx.AttrCursorEnd).AsInt64(), attr(s, tracectx.AttrBytes).AsInt64(), attr(s, tracectx.AttrRecords).AsInt64(),
			attr(s, tracectx.AttrStopReason).AsString(), attr(s, tracectx.AttrCache).AsString(), attr(s, tracectx.AttrOutcome).AsString())
		want := fmt.Sprint("traced", ck.StartBytes, ck.CursorBytes, ck.CursorBytes-ck.StartBytes, ck.Records, ck.Stop, cacheWant, tracectx.OutcomeOK)
		if got != want {
			t.Errorf("%v attributes %s, want %s", k, got, want)
		}
		if s.Status().Code != codes.Unset || s.SpanKind() != trace.SpanKindConsumer {
			t.Errorf("%v status %v kind %v", k, s.Status(), s.SpanKind())
		}
	}
	if len(cks) != len(jt.ranges) {
		t.Errorf("%d checkpoints, %d range spans", len(cks), len(jt.ranges))
	}
}

// checkLinks: the fan-in links to exactly the last generation's span of
// every range, and returns those spans by range.
func checkLinks(t *testing.T, jt jobTrace, ranges int) map[int]sdktrace.ReadOnlySpan {
	t.Helper()
	final := map[int]sdktrace.ReadOnlySpan{}
	for k, s := range jt.ranges {
		if f, ok := final[k.index]; !ok || int(attr(f, tracectx.AttrGeneration).AsInt64()) < k.gen {
			final[k.index] = s
		}
	}
	if len(final) != ranges {
		t.Fatalf("spans for %d ranges, want %d", len(final), ranges)
	}
	links := jt.fanin.Links()
	if len(links) != ranges {
		t.Fatalf("fan-in has %d links, want %d", len(links), ranges)
	}
	for _, l := range links {
		var idx int64 = -1
		for _, kv := range l.Attributes {
			if kv.Key == tracectx.AttrRangeIndex {
				idx = kv.Value.AsInt64()
			}
		}
		f, ok := final[int(idx)]
		if !ok || !sameSpan(l.SpanContext, f.SpanContext()) {
			t.Errorf("link for range %d is %v, want the range's final span", idx, l.SpanContext.SpanID())
		}
		if attr(f, tracectx.AttrStopReason).AsString() != events.StopDone {
			t.Errorf("range %d's final span stopped for %q", idx, attr(f, tracectx.AttrStopReason).AsString())
		}
	}
	return final
}

// checkFanInParent: the fan-in's parent is the final span that ended last
// (the invocation that completed the last range published FanInRequested).
func checkFanInParent(t *testing.T, jt jobTrace, final map[int]sdktrace.ReadOnlySpan) {
	t.Helper()
	var last sdktrace.ReadOnlySpan
	for _, s := range final {
		if last == nil || s.EndTime().After(last.EndTime()) {
			last = s
		}
	}
	if !sameSpan(jt.fanin.Parent(), last.SpanContext()) {
		t.Errorf("fan-in parent %v, want the last range's final span %v", jt.fanin.Parent().SpanID(), last.SpanContext().SpanID())
	}
}

func checkJobSpans(t *testing.T, jt jobTrace, ranges int) {
	t.Helper()
	for _, s := range []sdktrace.ReadOnlySpan{jt.split, jt.fanin} {
		got := fmt.Sprint(attr(s, tracectx.AttrJobID).AsString(), attr(s, tracectx.AttrRangeCount).AsInt64(), attr(s, tracectx.AttrOutcome).AsString())
		if want := fmt.Sprint("traced", ranges, tracectx.OutcomeOK); got != want {
			t.Errorf("%s attributes %s, want %s", s.Name(), got, want)
		}
	}
	for _, s := range jt.all {
		if strings.Contains(spanText(s), "sec0") {
			t.Errorf("span %s exports record contents: %s", s.Name(), spanText(s))
		}
	}
}

func checkMetrics(t *testing.T, tr *traced, h *harness, res events.JobSucceeded, published, invocations int) {
	t.Helper()
	got := tr.sums(t)
	cks, _ := h.ledger.List(context.Background(), "traced", joblog.PrefixCkpt)
	var hits int64
	for _, e := range cks {
		var ck events.CheckpointCommitted
		_ = joblog.Decode(e, &ck)
		hits += ck.CacheHits
	}
	want := map[string]int64{
		tracectx.MetricRecords: res.Stats.Records, tracectx.MetricBytes: res.Stats.Bytes,
		tracectx.MetricHops: int64(res.Stats.Hops), tracectx.MetricPublished: int64(published),
		tracectx.MetricDuration: int64(invocations), tracectx.MetricCacheHits: hits,
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("metric %s = %d, want %d", name, got[name], w)
		}
	}
	if got[tracectx.MetricCacheMisses] == 0 {
		t.Error("no cache misses counted, though every first read misses")
	}
}

func checkLogs(t *testing.T, tr *traced, jt jobTrace) {
	t.Helper()
	var msgs []string
	for _, l := range tr.logs.lines(t) {
		for _, k := range []string{"job_id", "range", "generation"} {
			if _, ok := l[k]; !ok {
				t.Errorf("log line without %s: %v", k, l)
			}
		}
		if l["job_id"] != "traced" {
			t.Errorf("log line of job %v", l["job_id"])
		}
		if strings.Contains(fmt.Sprint(l), "sec0") {
			t.Errorf("log line holds record contents: %v", l)
		}
		msgs = append(msgs, l["msg"].(string))
	}
	for _, m := range []string{"job started", "range handed on", "range done", "fan-in merged: job succeeded"} {
		if !slices.Contains(msgs, m) {
			t.Errorf("no log line %q in %v", m, msgs)
		}
	}
	n := 0
	for _, m := range msgs {
		if m == "range done" {
			n++
		}
	}
	if n != len(jt.fanin.Links()) {
		t.Errorf("%d range done lines, want one per range", n)
	}
}

// A JobRequested carrying a caller's trace context joins that trace: the
// split span is the caller span's child and every span shares its trace.
func TestTraceJoinsCallersTrace(t *testing.T) {
	caller := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{0x67, 0x45, 0xa2, 0xb1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12},
		SpanID:  trace.SpanID{0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6, 0x07, 0x18}, TraceFlags: trace.FlagsSampled})
	tr := newTraced()
	carried := tracectx.Inject(trace.ContextWithSpanContext(context.Background(), caller), tr.telemetry().prop)
	_, rec, _, _ := runTraced(t, carried)
	jt := collect(t, rec.rec.Ended())
	if !sameSpan(jt.split.Parent(), caller) || !jt.split.Parent().IsRemote() {
		t.Fatalf("split parent %v, want the caller's span %v", jt.split.Parent(), caller)
	}
	checkOneTrace(t, jt)
	checkChain(t, jt)
}

// A warm container that reads the same ranges again (a second job over the
// same object version) serves them from its cache: every worker span of
// the second job says "hit", and the first job's say "miss".
func TestCacheAttributeOnWarmContainer(t *testing.T) {
	h, tr := tracedHarness(t, 2000)
	cacheOf := func(jobID string) map[string]int {
		h.run(request(jobID, 1024))
		out := map[string]int{}
		for _, s := range tr.rec.Ended() {
			if s.Name() == tracectx.SpanRange && attr(s, tracectx.AttrJobID).AsString() == jobID {
				out[attr(s, tracectx.AttrCache).AsString()]++
			}
		}
		return out
	}
	cold, warm := cacheOf("cold"), cacheOf("warm")
	if cold[tracectx.CacheMiss] == 0 || cold[tracectx.CacheHit] != 0 {
		t.Errorf("first job's cache attributes %v, want only misses", cold)
	}
	if warm[tracectx.CacheHit] == 0 || warm[tracectx.CacheMiss] != 0 {
		t.Errorf("second job's cache attributes %v, want only hits", warm)
	}
	if got := tr.sums(t)[tracectx.MetricCacheHits]; got == 0 {
		t.Error("no cache hits counted")
	}
}

// Without a cache, the worker spans say "none".
func TestCacheAttributeWithoutCache(t *testing.T) {
	h := newHarness(t, secretLines(500), 8*time.Second, 1024)
	h.timeout = 15 * time.Second
	tr := newTraced()
	h.tel = tr.telemetry()
	res := h.run(request("nocache", 1024))
	n := 0
	for _, s := range tr.rec.Ended() {
		if s.Name() != tracectx.SpanRange {
			continue
		}
		n++
		if got := attr(s, tracectx.AttrCache).AsString(); got != tracectx.CacheNone {
			t.Errorf("span cache %q, want none", got)
		}
	}
	if n != res.Stats.Invocations {
		t.Errorf("%d range spans, %d invocations", n, res.Stats.Invocations)
	}
}

// A range that fails permanently (hop cap) ends its span with outcome
// "failed", status Error and the error recorded, and logs an error line
// with the range's attributes.
func TestFailedRangeSpan(t *testing.T) {
	h := newHarness(t, secretLines(3000), 8*time.Second, 1024)
	h.timeout = 15 * time.Second
	tr := newTraced()
	h.tel = tr.telemetry()
	req := request("capped", 1024)
	req.Limits.MaxHops = 2
	jobFailed(t, h.end(req), events.CodeHopCap)
	var failed []sdktrace.ReadOnlySpan
	for _, s := range tr.rec.Ended() {
		if attr(s, tracectx.AttrOutcome).AsString() == tracectx.OutcomeFailed {
			failed = append(failed, s)
		}
	}
	if len(failed) != 1 {
		t.Fatalf("%d failed spans, want 1", len(failed))
	}
	s := failed[0]
	if s.Name() != tracectx.SpanRange || attr(s, tracectx.AttrGeneration).AsInt64() != 3 || s.Status().Code != codes.Error ||
		len(s.Events()) != 1 || s.Events()[0].Name != "exception" || !strings.Contains(s.Status().Description, "hop cap of 2") {
		t.Fatalf("failed span %s gen %d status %v events %v", s.Name(), attr(s, tracectx.AttrGeneration).AsInt64(), s.Status(), s.Events())
	}
	found := false
	for _, l := range tr.logs.lines(t) {
		if l["msg"] == "range failed" && l["level"] == "ERROR" && l["code"] == events.CodeHopCap && l["generation"] == float64(3) {
			found = true
		}
	}
	if !found {
		t.Error("no error log line for the failed range")
	}
}
