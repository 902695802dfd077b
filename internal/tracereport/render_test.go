package tracereport

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var barRE = regexp.MustCompile(`<div class="bar outcome-(\w+)" data-span-id="([^"]+)" data-range="(-?\d+)" data-generation="(\d+)"[^>]*style="left:([\d.]+)%;width:([\d.]+)%"`)

func TestHTMLOneBarPerInvocationOneRowPerRange(t *testing.T) {
	for seed := range uint64(12) {
		j := newFakeJob(seed, 1+int(seed%4), int(seed%3))
		tl, err := Build(j.spans, j.jobID)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := HTML(&b, tl); err != nil {
			t.Fatal(err)
		}
		page := b.String()
		bars := barRE.FindAllStringSubmatch(page, -1)
		if len(bars) != j.invs || strings.Count(page, `class="bar `) != j.invs {
			t.Fatalf("seed %d: %d bars (%d class=bar), want %d invocations", seed, len(bars), strings.Count(page, `class="bar `), j.invs)
		}
		if rows := strings.Count(page, `<div class="row">`); rows != j.ranges+2 {
			t.Errorf("seed %d: %d rows, want %d ranges + split + fan-in", seed, rows, j.ranges)
		}
		ids := map[string]bool{}
		for _, m := range bars {
			if ids[m[2]] {
				t.Errorf("span %s drawn twice", m[2])
			}
			ids[m[2]] = true
			if string(j.outcomes[m[2]]) != m[1] {
				t.Errorf("span %s coloured %s, want %s", m[2], m[1], j.outcomes[m[2]])
			}
			checkPlacement(t, j, tl, m)
		}
		for _, bad := range []string{"http://", "https://", "ZgotmplZ", `src="`} {
			if strings.Contains(page, bad) {
				t.Errorf("page contains %q: not self-contained or a value was rejected by the template", bad)
			}
		}
	}
}

// checkPlacement compares a bar's left and width with its span's times.
func checkPlacement(t *testing.T, j *fakeJob, tl Timeline, m []string) {
	t.Helper()
	for _, s := range j.spans {
		if s.SpanID != m[2] {
			continue
		}
		left, _ := strconv.ParseFloat(m[5], 64)
		width, _ := strconv.ParseFloat(m[6], 64)
		wall := float64(j.end.Sub(j.start))
		wantLeft, wantWidth := 100*float64(s.Start.Sub(j.start))/wall, 100*float64(s.End.Sub(s.Start))/wall
		if abs(left-wantLeft) > 1e-3 || abs(width-wantWidth) > 1e-3 {
			t.Errorf("span %s at %.4f%%+%.4f%%, want %.4f%%+%.4f%%", s.SpanID, left, width, wantLeft, wantWidth)
		}
		return
	}
	t.Errorf("bar for unknown span %s", m[2])
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

func TestHTMLTooltipHoldsAttributes(t *testing.T) {
	j := newFakeJob(7, 2, 2)
	tl, _ := Build(j.spans, j.jobID)
	var b bytes.Buffer
	if err := HTML(&b, tl); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf(`title="baton.split %s`, tl.Rows[0].Invocations[0].SpanID)
	if !strings.Contains(b.String(), want) || !strings.Contains(b.String(), "baton.job.id: "+j.jobID) {
		t.Errorf("page lacks the splitter's hover text %q with its job id", want)
	}
}

func TestTextWaterfall(t *testing.T) {
	for _, width := range []int{0, 60, 140} {
		j := newFakeJob(uint64(width)+5, 3, 2)
		tl, err := Build(j.spans, j.jobID)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := Text(&b, tl, TextOptions{Width: width}); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		wantW := width
		if wantW == 0 {
			wantW = DefaultWidth
		}
		var barLines []string
		for _, line := range strings.Split(out, "\n") {
			if strings.Contains(line, "│") {
				barLines = append(barLines, line)
				if n := len([]rune(line)); n != wantW {
					t.Errorf("width %d: bar line is %d columns: %q", width, n, line)
				}
			}
		}
		if len(barLines) != j.ranges+2 || !strings.HasPrefix(barLines[0], "split") || !strings.HasPrefix(barLines[len(barLines)-1], "fan-in") {
			t.Errorf("bar lines %q: want split, %d ranges, fan-in", barLines, j.ranges)
		}
		for _, want := range []string{fmt.Sprintf("%d invocation attempts", j.invs), fmt.Sprintf("%d hops", j.hops),
			"trace " + j.traceID, FormatDuration(j.gapTotal) + " summed over all rows", FormatDuration(j.end.Sub(j.start))} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
	}
}

func TestBarLineScale(t *testing.T) {
	t0 := time.Unix(100, 0)
	spans := []Span{
		{Name: SpanSplit, SpanID: "s", Start: t0, End: t0.Add(10 * time.Millisecond)},
		{Name: SpanRange, SpanID: "r", ParentSpanID: "s", Start: t0.Add(50 * time.Millisecond), End: t0.Add(100 * time.Millisecond),
			Attributes: map[string]any{AttrRange: 0, AttrGeneration: 0}},
	}
	tl, err := Build(spans, "")
	if err != nil {
		t.Fatal(err)
	}
	// 20 columns of 5ms: split in 0-1, gap 2-9, range 10-19.
	got := barLine(tl, tl.Rows[1], 20)
	want := strings.Repeat(" ", 2) + strings.Repeat("·", 8) + strings.Repeat("█", 10)
	if got != want {
		t.Errorf("range row %q, want %q", got, want)
	}
	if got := barLine(tl, tl.Rows[0], 20); got != "██"+strings.Repeat(" ", 18) {
		t.Errorf("split row %q", got)
	}
	if tl.GapTotal != 40*time.Millisecond {
		t.Errorf("gap total %v, want 40ms", tl.GapTotal)
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		850 * time.Microsecond: "850µs", 2500 * time.Microsecond: "2.50ms", 12300 * time.Microsecond: "12.3ms",
		1250 * time.Millisecond: "1.25s", -3 * time.Millisecond: "-3.00ms",
	} {
		if got := FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
