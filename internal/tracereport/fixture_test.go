package tracereport

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// fakeJob simulates one job's spans with known gaps, independently of
// Build: a splitter, ranges with hops (some duplicated or failed), AWS SDK
// child spans that publish some events, and a fan-in.
type fakeJob struct {
	spans     []Span
	wantGap   map[string]time.Duration // invocation span id -> gap after its publisher
	ranges    int
	hops      int
	invs      int
	gapTotal  time.Duration
	start     time.Time
	end       time.Time
	traceID   string
	jobID     string
	outcomes  map[string]Outcome
	rangeGens map[int][]int // range -> generations of its invocations, as simulated
}

func newFakeJob(seed uint64, ranges, maxHops int) *fakeJob {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	t0 := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	j := &fakeJob{wantGap: map[string]time.Duration{}, outcomes: map[string]Outcome{}, rangeGens: map[int][]int{},
		ranges: ranges, start: t0, traceID: fmt.Sprintf("trace-%d", seed), jobID: fmt.Sprintf("job-%d", seed)}
	ms := func(lo, hi int) time.Duration { return time.Duration(lo+rng.IntN(hi-lo+1)) * time.Millisecond }
	split := j.add(SpanSplit, "", t0, t0.Add(ms(5, 20)), map[string]any{"baton.range.count": ranges, AttrOutcome: "ok"}, Done)
	var last *Span
	for r := range ranges {
		pub := j.publisher(split, rng)
		gens := 1 + rng.IntN(maxHops+1)
		j.hops += gens - 1
		for g := range gens {
			// A negative gap: the handler started before its publisher's span ended.
			gap := ms(-1, 8)
			start := pub.End.Add(gap)
			stop := "deadline"
			outcome := Deadline
			if g == gens-1 {
				stop, outcome = "done", Done
			}
			attrs := map[string]any{AttrRange: float64(r), AttrGeneration: int64(g), AttrStopReason: stop, AttrOutcome: "ok"}
			if rng.IntN(4) == 0 { // a failed attempt first, retried with the same event
				fail := j.add(SpanRange, pub.SpanID, start, start.Add(ms(1, 5)), map[string]any{AttrRange: r, AttrGeneration: g, AttrOutcome: "failed"}, Failed)
				j.wantGap[fail.SpanID] = gap
				j.rangeGens[r] = append(j.rangeGens[r], g)
				gap += fail.End.Sub(fail.Start) + ms(1, 3)
				start = pub.End.Add(gap)
			}
			inv := j.add(SpanRange, pub.SpanID, start, start.Add(ms(10, 40)), attrs, outcome)
			j.wantGap[inv.SpanID] = gap
			j.rangeGens[r] = append(j.rangeGens[r], g)
			if rng.IntN(5) == 0 { // the same event delivered twice
				dgap := gap + ms(0, 3)
				dup := j.add(SpanRange, pub.SpanID, pub.End.Add(dgap), pub.End.Add(dgap+ms(1, 3)), map[string]any{AttrRange: r, AttrGeneration: g, AttrOutcome: "duplicate"}, Duplicate)
				j.wantGap[dup.SpanID] = dgap
				j.rangeGens[r] = append(j.rangeGens[r], g)
			}
			pub = j.publisher(inv, rng)
			last = inv
		}
	}
	fanStart := last.End.Add(ms(1, 5))
	fan := j.add(SpanFanIn, last.SpanID, fanStart, fanStart.Add(ms(3, 9)), map[string]any{"baton.range.count": ranges, AttrOutcome: "ok"}, Done)
	j.wantGap[fan.SpanID] = fanStart.Sub(last.End)
	for _, g := range j.wantGap {
		j.gapTotal += max(g, 0)
	}
	rng.Shuffle(len(j.spans), func(a, b int) { j.spans[a], j.spans[b] = j.spans[b], j.spans[a] })
	return j
}

// publisher is the span whose context an event carries: the invocation
// itself, or (half the time) an AWS SDK PutEvents child span of it.
func (j *fakeJob) publisher(inv *Span, rng *rand.Rand) *Span {
	if rng.IntN(2) == 0 {
		return inv
	}
	sdk := j.add("EventBridge.PutEvents", inv.SpanID, inv.End.Add(-2*time.Millisecond), inv.End.Add(-time.Millisecond), nil, "")
	// Gaps are measured from the invocation, not from the SDK span.
	return &Span{SpanID: inv.SpanID, End: inv.End, Name: sdk.Name}
}

func (j *fakeJob) add(name, parent string, start, end time.Time, attrs map[string]any, o Outcome) *Span {
	if attrs != nil {
		attrs[AttrJobID] = j.jobID
	}
	s := Span{Name: name, TraceID: j.traceID, SpanID: fmt.Sprintf("%016x", len(j.spans)+1), ParentSpanID: parent,
		Start: start, End: end, Attributes: attrs}
	if o == Failed {
		s.StatusCode, s.StatusDescription = "Error", "boom"
	}
	if o != "" {
		j.invs++
		j.outcomes[s.SpanID] = o
	}
	if end.After(j.end) {
		j.end = end
	}
	j.spans = append(j.spans, s)
	return &j.spans[len(j.spans)-1]
}
