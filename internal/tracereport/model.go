// Package tracereport turns the spans of one local job into a timeline:
// the splitter, one row per range with its invocations (hops) in order, the
// fan-in, and the gaps between an invocation and the span that published
// its event (event delivery latency). It renders that timeline as a
// terminal waterfall (Text) or a self-contained HTML page (HTML). All
// functions are pure: they read only their arguments.
package tracereport

import (
	"errors"
	"fmt"
	"sort"
	"time"
)

// Span names and attribute keys of the tracing contract (issue 4).
const (
	SpanSplit = "baton.split"
	SpanRange = "baton.range"
	SpanFanIn = "baton.fanin"

	AttrJobID      = "baton.job.id"
	AttrRange      = "baton.range.index"
	AttrGeneration = "baton.generation"
	AttrStopReason = "baton.stop_reason"
	AttrOutcome    = "baton.outcome"
)

// Span is one exported span as the report needs it (the fields of
// observability.SpanRecord). Attributes hold JSON-decoded values: numbers
// may be int, int64 or float64. StatusCode is "Error" for a failed span.
type Span struct {
	Name, TraceID, SpanID, ParentSpanID string
	Start, End                          time.Time
	Attributes                          map[string]any
	StatusCode, StatusDescription       string
}

// Outcome classifies an invocation for colouring.
type Outcome string

// Outcomes, in the order the legend shows them.
const (
	// Done: the invocation ended its work (range done, plan or merge made).
	Done Outcome = "done"
	// Deadline: a range invocation stopped near its deadline and handed on.
	Deadline Outcome = "deadline"
	// Failed: status Error, or baton.outcome "failed" or "refused".
	Failed Outcome = "failed"
	// Duplicate: a redelivered event whose generation was already committed.
	Duplicate Outcome = "duplicate"
)

// Outcomes lists every Outcome in legend order.
var Outcomes = []Outcome{Done, Deadline, Failed, Duplicate}

// Invocation is one splitter, range-worker or fan-in span.
type Invocation struct {
	Span
	// Range is the range index; -1 for the splitter and the fan-in.
	Range int
	// Generation is the hop number within the range (0 for the first).
	Generation int
	Outcome    Outcome
	// Gap is Start minus the end of the invocation whose span published
	// this invocation's event (found through the parent chain). A negative
	// gap means this invocation started before its publisher's span ended.
	Gap time.Duration
	// HasGap is false when no publishing invocation is in the file (the
	// splitter, or a parent that was not recorded).
	HasGap bool
}

// Duration is the invocation's span length.
func (i Invocation) Duration() time.Duration { return i.End.Sub(i.Start) }

// Row is one line of the timeline.
type Row struct {
	// Label is "split", "range N" or "fan-in".
	Label string
	// Invocations in order of generation, then start time.
	Invocations []Invocation
}

// Timeline is a job's trace laid out for display.
type Timeline struct {
	JobID string
	// TraceIDs are the distinct trace ids among the invocations, the most
	// frequent first; one connected trace has exactly one.
	TraceIDs []string
	// Start and End bound every invocation.
	Start, End time.Time
	// Rows: the splitter first (when recorded), then ranges by index, then
	// the fan-in (when recorded).
	Rows []Row
	// Ranges counts range rows; Invocations counts every invocation.
	Ranges, Invocations int
	// Hops counts distinct (range, generation) pairs with generation > 0:
	// the continuations that ran.
	Hops int
	// GapTotal sums the positive gaps of every invocation: the time events
	// spent between their publisher's end and their handler's start.
	GapTotal time.Duration
}

// Wall is the time from the first invocation's start to the last one's end.
func (t Timeline) Wall() time.Duration { return t.End.Sub(t.Start) }

// ErrNoInvocations reports span input holding no baton.split, baton.range
// or baton.fanin span (for the job, when one is named).
var ErrNoInvocations = errors.New("no baton invocation spans")

// Build lays out spans. Spans other than the three invocation names (AWS
// SDK calls, for instance) only serve to find publishers through the parent
// chain. A non-empty jobID keeps only invocations whose baton.job.id is
// jobID. It returns ErrNoInvocations when nothing is left, and an error
// naming the span when a range span lacks its index or generation.
func Build(spans []Span, jobID string) (Timeline, error) {
	byID := make(map[string]*Span, len(spans))
	for i := range spans {
		byID[spans[i].SpanID] = &spans[i]
	}
	invs, err := invocations(spans, jobID)
	if err != nil {
		return Timeline{}, err
	}
	if len(invs) == 0 {
		if jobID != "" {
			return Timeline{}, fmt.Errorf("job %s: %w", jobID, ErrNoInvocations)
		}
		return Timeline{}, ErrNoInvocations
	}
	ends := make(map[string]time.Time, len(invs))
	for _, inv := range invs {
		ends[inv.SpanID] = inv.End
	}
	t := Timeline{JobID: jobID, Start: invs[0].Start, End: invs[0].End, Invocations: len(invs)}
	for i := range invs {
		setGap(&invs[i], byID, ends)
		if invs[i].HasGap && invs[i].Gap > 0 {
			t.GapTotal += invs[i].Gap
		}
		t.Start, t.End = earlier(t.Start, invs[i].Start), later(t.End, invs[i].End)
	}
	t.TraceIDs = traceIDs(invs)
	t.Rows, t.Ranges, t.Hops = rows(invs)
	if t.JobID == "" {
		t.JobID = stringAttr(invs[0].Attributes, AttrJobID)
	}
	return t, nil
}

// invocations converts the invocation spans of jobID.
func invocations(spans []Span, jobID string) ([]Invocation, error) {
	var out []Invocation
	for _, s := range spans {
		if s.Name != SpanSplit && s.Name != SpanRange && s.Name != SpanFanIn {
			continue
		}
		if jobID != "" && stringAttr(s.Attributes, AttrJobID) != jobID {
			continue
		}
		if err := checkTimes(s); err != nil {
			return nil, err
		}
		inv := Invocation{Span: s, Range: -1, Outcome: outcomeOf(s)}
		if s.Name == SpanRange {
			r, okR := intAttr(s.Attributes, AttrRange)
			g, okG := intAttr(s.Attributes, AttrGeneration)
			if !okR || !okG {
				return nil, fmt.Errorf("span %s (%s): missing or non-integer %s or %s", s.SpanID, s.Name, AttrRange, AttrGeneration)
			}
			inv.Range, inv.Generation = r, g
		}
		out = append(out, inv)
	}
	return out, nil
}

// maxSpan is the longest invocation span accepted: Lambda's timeout is 15
// minutes, a local run's is any, so a day is a generous bound that still
// rejects broken timestamps before they overflow the time axis.
const maxSpan = 24 * time.Hour

// checkTimes rejects a span without both timestamps, ending before it
// starts, or implausibly long.
func checkTimes(s Span) error {
	switch d := s.End.Sub(s.Start); {
	case s.Start.IsZero() || s.End.IsZero():
		return fmt.Errorf("span %s (%s): missing start or end time", s.SpanID, s.Name)
	case d < 0:
		return fmt.Errorf("span %s (%s): ends %v before it starts", s.SpanID, s.Name, -d)
	case d > maxSpan:
		return fmt.Errorf("span %s (%s): lasts %v, longer than %v", s.SpanID, s.Name, d, maxSpan)
	}
	return nil
}

// outcomeOf classifies a span by its status and baton attributes.
func outcomeOf(s Span) Outcome {
	switch o := stringAttr(s.Attributes, AttrOutcome); {
	case s.StatusCode == "Error" || o == "failed" || o == "refused":
		return Failed
	case o == "duplicate":
		return Duplicate
	case s.Name == SpanRange && stringAttr(s.Attributes, AttrStopReason) == "deadline":
		return Deadline
	}
	return Done
}

// setGap finds the nearest invocation up inv's parent chain.
func setGap(inv *Invocation, byID map[string]*Span, ends map[string]time.Time) {
	seen := map[string]bool{}
	for id := inv.ParentSpanID; id != "" && !seen[id]; {
		seen[id] = true
		if end, ok := ends[id]; ok {
			inv.Gap, inv.HasGap = inv.Start.Sub(end), true
			return
		}
		p, ok := byID[id]
		if !ok {
			return
		}
		id = p.ParentSpanID
	}
}

// rows groups invocations: split, ranges by index, fan-in.
func rows(invs []Invocation) (rs []Row, ranges, hops int) {
	var split, fanin []Invocation
	byRange := map[int][]Invocation{}
	for _, inv := range invs {
		switch inv.Name {
		case SpanSplit:
			split = append(split, inv)
		case SpanFanIn:
			fanin = append(fanin, inv)
		default:
			byRange[inv.Range] = append(byRange[inv.Range], inv)
		}
	}
	if len(split) > 0 {
		rs = append(rs, Row{Label: "split", Invocations: sorted(split)})
	}
	idx := make([]int, 0, len(byRange))
	for r := range byRange {
		idx = append(idx, r)
	}
	sort.Ints(idx)
	for _, r := range idx {
		row := Row{Label: fmt.Sprintf("range %d", r), Invocations: sorted(byRange[r])}
		gens := map[int]bool{}
		for _, inv := range row.Invocations {
			if inv.Generation > 0 {
				gens[inv.Generation] = true
			}
		}
		hops += len(gens)
		rs = append(rs, row)
	}
	if len(fanin) > 0 {
		rs = append(rs, Row{Label: "fan-in", Invocations: sorted(fanin)})
	}
	return rs, len(idx), hops
}

// sorted orders by generation, then start, then span id (stable output).
func sorted(invs []Invocation) []Invocation {
	sort.Slice(invs, func(i, j int) bool {
		a, b := invs[i], invs[j]
		if a.Generation != b.Generation {
			return a.Generation < b.Generation
		}
		if !a.Start.Equal(b.Start) {
			return a.Start.Before(b.Start)
		}
		return a.SpanID < b.SpanID
	})
	return invs
}

func traceIDs(invs []Invocation) []string {
	count := map[string]int{}
	var ids []string
	for _, inv := range invs {
		if count[inv.TraceID] == 0 {
			ids = append(ids, inv.TraceID)
		}
		count[inv.TraceID]++
	}
	sort.SliceStable(ids, func(i, j int) bool { return count[ids[i]] > count[ids[j]] })
	return ids
}

func earlier(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
