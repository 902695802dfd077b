package tracereport

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestBuildMatchesSimulatedJob(t *testing.T) {
	for seed := range uint64(40) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			j := newFakeJob(seed, 1+int(seed%5), int(seed%4))
			tl, err := Build(j.spans, j.jobID)
			if err != nil {
				t.Fatal(err)
			}
			checkTimeline(t, j, tl)
		})
	}
}

func checkTimeline(t *testing.T, j *fakeJob, tl Timeline) {
	t.Helper()
	if tl.Invocations != j.invs || tl.Ranges != j.ranges || tl.Hops != j.hops {
		t.Errorf("invocations/ranges/hops = %d/%d/%d, want %d/%d/%d", tl.Invocations, tl.Ranges, tl.Hops, j.invs, j.ranges, j.hops)
	}
	if !tl.Start.Equal(j.start) || !tl.End.Equal(j.end) {
		t.Errorf("bounds %v..%v, want %v..%v", tl.Start, tl.End, j.start, j.end)
	}
	if !slices.Equal(tl.TraceIDs, []string{j.traceID}) {
		t.Errorf("trace ids %v, want [%s]", tl.TraceIDs, j.traceID)
	}
	if tl.GapTotal != j.gapTotal {
		t.Errorf("gap total %v, want %v", tl.GapTotal, j.gapTotal)
	}
	wantLabels := []string{"split"}
	for r := range j.ranges {
		wantLabels = append(wantLabels, fmt.Sprintf("range %d", r))
	}
	wantLabels = append(wantLabels, "fan-in")
	var labels []string
	seen := 0
	for _, row := range tl.Rows {
		labels = append(labels, row.Label)
		for i, inv := range row.Invocations {
			seen++
			if i > 0 && row.Invocations[i-1].Generation > inv.Generation {
				t.Errorf("%s: generation %d before %d", row.Label, row.Invocations[i-1].Generation, inv.Generation)
			}
			if want, ok := j.wantGap[inv.SpanID]; ok != inv.HasGap || want != inv.Gap {
				t.Errorf("%s span %s: gap %v (has %v), want %v (has %v)", row.Label, inv.SpanID, inv.Gap, inv.HasGap, want, ok)
			}
			if inv.Outcome != j.outcomes[inv.SpanID] {
				t.Errorf("%s span %s: outcome %s, want %s", row.Label, inv.SpanID, inv.Outcome, j.outcomes[inv.SpanID])
			}
		}
		if r := rangeOf(row.Label); r >= 0 {
			var gens []int
			for _, inv := range row.Invocations {
				gens = append(gens, inv.Generation)
			}
			want := slices.Clone(j.rangeGens[r])
			slices.Sort(want)
			if !slices.Equal(gens, want) {
				t.Errorf("%s: generations %v, want %v", row.Label, gens, want)
			}
		}
	}
	if !slices.Equal(labels, wantLabels) {
		t.Errorf("rows %v, want %v", labels, wantLabels)
	}
	if seen != j.invs {
		t.Errorf("rows hold %d invocations, want %d", seen, j.invs)
	}
}

func rangeOf(label string) int {
	var r int
	if _, err := fmt.Sscanf(label, "range %d", &r); err != nil {
		return -1
	}
	return r
}

func TestBuildFiltersByJob(t *testing.T) {
	a, b := newFakeJob(1, 2, 2), newFakeJob(2, 3, 1)
	for i := range b.spans { // keep span ids unique across the two jobs
		b.spans[i].SpanID = "b" + b.spans[i].SpanID
		if b.spans[i].ParentSpanID != "" {
			b.spans[i].ParentSpanID = "b" + b.spans[i].ParentSpanID
		}
	}
	tl, err := Build(append(slices.Clone(a.spans), b.spans...), a.jobID)
	if err != nil {
		t.Fatal(err)
	}
	checkTimeline(t, a, tl)
	if _, err := Build(a.spans, "other-job"); !errors.Is(err, ErrNoInvocations) {
		t.Errorf("unknown job: err %v, want ErrNoInvocations", err)
	}
}

func TestBuildRejectsRangeWithoutIndex(t *testing.T) {
	s := Span{Name: SpanRange, SpanID: "abc", Start: time.Unix(0, 0), End: time.Unix(1, 0), Attributes: map[string]any{AttrGeneration: 0}}
	_, err := Build([]Span{s}, "")
	if err == nil {
		t.Fatal("a range span without baton.range.index was accepted")
	}
}

func TestBuildReportsSeveralTraces(t *testing.T) {
	j := newFakeJob(3, 2, 1)
	i := slices.IndexFunc(j.spans, func(s Span) bool { return s.Name == SpanRange })
	j.spans[i].TraceID = "stray"
	tl, err := Build(j.spans, j.jobID)
	if err != nil {
		t.Fatal(err)
	}
	if len(tl.TraceIDs) != 2 || tl.TraceIDs[0] != j.traceID || tl.TraceIDs[1] != "stray" {
		t.Errorf("trace ids %v, want [%s stray]", tl.TraceIDs, j.traceID)
	}
}

func TestNiceStep(t *testing.T) {
	for _, d := range []time.Duration{1, 7, 13 * time.Millisecond, 999 * time.Millisecond, 3 * time.Second} {
		s := niceStep(d)
		if s < d || s > 5*d/2+1 {
			t.Errorf("niceStep(%v) = %v: want the smallest 1-2-5 step at or above it", d, s)
		}
	}
}

// Broken timestamps are errors naming the span, never a time axis that
// overflows (a zero start once made --html loop until killed).
func TestBuildRejectsBrokenTimes(t *testing.T) {
	for name, mutate := range map[string]func(*Span){
		"zero start":       func(s *Span) { s.Start = time.Time{} },
		"zero end":         func(s *Span) { s.End = time.Time{} },
		"end before start": func(s *Span) { s.End = s.Start.Add(-time.Second) },
		"a year long":      func(s *Span) { s.End = s.Start.AddDate(1, 0, 0) },
	} {
		j := newFakeJob(2, 2, 1)
		i := slices.IndexFunc(j.spans, func(s Span) bool { return s.Name == SpanRange })
		mutate(&j.spans[i])
		if _, err := Build(j.spans, j.jobID); err == nil || !strings.Contains(err.Error(), j.spans[i].SpanID) {
			t.Errorf("%s: err %v, want one naming span %s", name, err, j.spans[i].SpanID)
		}
	}
}
