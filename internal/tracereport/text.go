package tracereport

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"
)

// DefaultWidth is the text waterfall's width in columns when none is given.
const DefaultWidth = 80

// labelWidth is the row-label column, "range 9999" plus a space.
const labelWidth = 11

// minAxis is the narrowest time axis drawn, in columns.
const minAxis = 20

// Glyphs draw each outcome in the text waterfall; gapGlyph marks time
// between a publisher's end and its event's handler start.
var glyphs = map[Outcome]rune{Done: '█', Deadline: '▓', Failed: 'x', Duplicate: '░'}

const gapGlyph = '·'

// altDeadline draws deadline hops of odd generations.
const altDeadline = '▞'

// TextOptions configures Text. The zero value means the defaults.
type TextOptions struct {
	// Width is the total width in columns; 0 means DefaultWidth. The time
	// axis gets what the row labels and borders leave, at least 20.
	Width int
}

// Text writes t as a waterfall: a header (trace id, wall time,
// invocations, ranges, hops, summed gaps), a legend, a time axis, one bar
// line per row, then one detail line per row listing each invocation's
// generation, duration and outcome and the gap before it. It returns the
// first write error.
func Text(w io.Writer, t Timeline, o TextOptions) error {
	width := o.Width
	if width <= 0 {
		width = DefaultWidth
	}
	axis := max(width-labelWidth-2, minAxis)
	var b strings.Builder
	header(&b, t)
	fmt.Fprintf(&b, "%-*s%s\n", labelWidth, "", axisLabels(t.Wall(), axis+2))
	for _, r := range t.Rows {
		fmt.Fprintf(&b, "%-*s│%s│\n", labelWidth, clip(r.Label, labelWidth-1), barLine(t, r, axis))
	}
	b.WriteString("\n")
	for _, r := range t.Rows {
		fmt.Fprintf(&b, "%-*s%s\n", labelWidth, clip(r.Label, labelWidth-1), details(r))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func header(b *strings.Builder, t Timeline) {
	trace := "(none)"
	if len(t.TraceIDs) > 0 {
		trace = t.TraceIDs[0]
	}
	fmt.Fprintf(b, "job %s  trace %s\n", t.JobID, trace)
	if len(t.TraceIDs) > 1 {
		fmt.Fprintf(b, "warning: %d traces, not one: %s\n", len(t.TraceIDs), strings.Join(t.TraceIDs, ", "))
	}
	fmt.Fprintf(b, "wall %s · %d invocation attempts (splitter, workers incl. duplicates and retries, fan-in) · %d ranges · %d hops · event delivery gaps %s summed over all rows\n",
		FormatDuration(t.Wall()), t.Invocations, t.Ranges, t.Hops, FormatDuration(t.GapTotal))
	fmt.Fprintf(b, "%c done  %c%c deadline, handed on (alternating by hop)  %c failed  %c duplicate  %c gap (event delivery)\n\n",
		glyphs[Done], glyphs[Deadline], altDeadline, glyphs[Failed], glyphs[Duplicate], gapGlyph)
}

// axisLabels puts 0 at the left, half the wall time in the middle and the
// wall time at the right of n columns.
func axisLabels(wall time.Duration, n int) string {
	line := []rune(strings.Repeat(" ", n))
	put := func(at int, s string) {
		at = max(0, min(at, n-len([]rune(s))))
		copy(line[at:], []rune(s))
	}
	put(0, "0")
	mid := FormatDuration(wall / 2)
	put(n/2-len(mid)/2, mid)
	put(n, FormatDuration(wall))
	return string(line)
}

// barLine draws a row's gaps, then its invocations over them.
func barLine(t Timeline, r Row, n int) string {
	cells := []rune(strings.Repeat(" ", n))
	for _, inv := range r.Invocations {
		if inv.HasGap && inv.Gap > 0 {
			from, to := span(t, inv.Start.Add(-inv.Gap), inv.Start, n)
			for i := from; i < to; i++ {
				cells[i] = gapGlyph
			}
		}
	}
	for _, inv := range r.Invocations {
		from, to := span(t, inv.Start, inv.End, n)
		g := glyphs[inv.Outcome]
		if inv.Outcome == Deadline && inv.Generation%2 == 1 {
			g = altDeadline // adjacent hops stay distinguishable
		}
		for i := from; i < to; i++ {
			cells[i] = g
		}
	}
	return string(cells)
}

// span maps [a, b) to columns [from, to) of n, at least one column wide.
func span(t Timeline, a, b time.Time, n int) (from, to int) {
	wall := float64(t.Wall())
	if wall <= 0 {
		return 0, 1
	}
	from = int(math.Floor(float64(a.Sub(t.Start)) / wall * float64(n)))
	to = int(math.Ceil(float64(b.Sub(t.Start)) / wall * float64(n)))
	from = max(0, min(from, n-1))
	to = max(from+1, min(to, n))
	return from, to
}

// details lists a row's invocations: "g0 12.0ms deadline, +1.0ms g1 …".
func details(r Row) string {
	parts := make([]string, 0, len(r.Invocations))
	var gaps time.Duration
	for _, inv := range r.Invocations {
		p := fmt.Sprintf("g%d %s %s", inv.Generation, FormatDuration(inv.Duration()), inv.Outcome)
		if inv.HasGap {
			p = signed(inv.Gap) + " " + p
			gaps += max(inv.Gap, 0)
		}
		parts = append(parts, p)
	}
	return fmt.Sprintf("%s  (gaps %s)", strings.Join(parts, ", "), FormatDuration(gaps))
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// signed prints a gap with its sign: +2.0ms, -0.31ms.
func signed(d time.Duration) string {
	if d < 0 {
		return FormatDuration(d)
	}
	return "+" + FormatDuration(d)
}
