package tracereport

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"
	"time"
)

//go:embed page.html.tmpl
var pageSource string

// page is parsed once per call: no package-level mutable state.
func page() (*template.Template, error) {
	return template.New("page").Parse(pageSource)
}

// HTML writes t as one self-contained page (inline CSS and JavaScript, no
// network access): a header, a legend, a time axis with ticks, one row per
// Timeline row and, per invocation, one element of class "bar" carrying
// data-span-id, data-range, data-generation and data-outcome, positioned
// and sized in percent of the wall time and coloured by outcome. Hovering
// a bar shows AttributeLines. Gaps are drawn as elements of class "gap".
// On load the page's script writes into #rendered-bars the number of bars
// the browser laid out with a non-zero size. Returns template or write
// errors.
func HTML(w io.Writer, t Timeline) error {
	tmpl, err := page()
	if err != nil {
		return fmt.Errorf("parsing page template: %w", err)
	}
	if err := tmpl.Execute(w, view(t)); err != nil {
		return fmt.Errorf("rendering trace page: %w", err)
	}
	return nil
}

type pageView struct {
	JobID, TraceID, Wall, Gaps string
	OtherTraces                []string
	Invocations, Ranges, Hops  int
	Outcomes                   []Outcome
	Ticks                      []tickView
	Rows                       []rowView
}

type rowView struct {
	Label string
	Bars  []barView
	Gaps  []barView
}

type barView struct {
	SpanID, Outcome, Tip string
	Range, Generation    int
	Left, Width          string // CSS percentages
}

type tickView struct{ Left, Label string }

func view(t Timeline) pageView {
	v := pageView{JobID: t.JobID, Wall: FormatDuration(t.Wall()), Gaps: FormatDuration(t.GapTotal),
		Invocations: t.Invocations, Ranges: t.Ranges, Hops: t.Hops, Outcomes: Outcomes, Ticks: ticks(t.Wall())}
	if len(t.TraceIDs) > 0 {
		v.TraceID, v.OtherTraces = t.TraceIDs[0], t.TraceIDs[1:]
	}
	for _, r := range t.Rows {
		rv := rowView{Label: r.Label}
		for _, inv := range r.Invocations {
			rv.Bars = append(rv.Bars, barView{SpanID: inv.SpanID, Outcome: string(inv.Outcome),
				Tip: strings.Join(AttributeLines(inv), "\n"), Range: inv.Range, Generation: inv.Generation,
				Left: pct(t, inv.Start), Width: width(t, inv.Start, inv.End)})
			if inv.HasGap && inv.Gap > 0 {
				from := inv.Start.Add(-inv.Gap)
				rv.Gaps = append(rv.Gaps, barView{SpanID: inv.SpanID, Tip: "event delivery gap " + FormatDuration(inv.Gap),
					Left: pct(t, from), Width: width(t, from, inv.Start)})
			}
		}
		v.Rows = append(v.Rows, rv)
	}
	return v
}

// pct is a time's position in percent of the wall time.
func pct(t Timeline, at time.Time) string {
	if t.Wall() <= 0 {
		return "0%"
	}
	return fmt.Sprintf("%.4f%%", 100*float64(at.Sub(t.Start))/float64(t.Wall()))
}

func width(t Timeline, a, b time.Time) string {
	if t.Wall() <= 0 {
		return "100%"
	}
	return fmt.Sprintf("%.4f%%", 100*float64(b.Sub(a))/float64(t.Wall()))
}

// ticks places axis labels at a 1-2-5 step giving at most 10 intervals.
func ticks(wall time.Duration) []tickView {
	if wall <= 0 {
		return []tickView{{Left: "0%", Label: "0"}}
	}
	step := niceStep(wall / 10)
	var out []tickView
	for at := time.Duration(0); at <= wall && len(out) <= 20; at += step {
		label := FormatDuration(at)
		if at == 0 {
			label = "0"
		}
		out = append(out, tickView{Left: fmt.Sprintf("%.4f%%", 100*float64(at)/float64(wall)), Label: label})
	}
	return out
}

// niceStep rounds d up to 1, 2 or 5 times a power of ten nanoseconds.
func niceStep(d time.Duration) time.Duration {
	if d <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(float64(d))))
	for _, m := range []float64{1, 2, 5, 10} {
		if s := m * p; s >= float64(d) {
			return time.Duration(s)
		}
	}
	return time.Duration(10 * p)
}
