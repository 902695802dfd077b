package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/batonrun/baton/internal/local"
	"github.com/batonrun/baton/internal/tracereport/browsertest"
	"github.com/batonrun/baton/observability"
)

func TestTraceMissingSpanFileNamesPathAndVersion(t *testing.T) {
	dir := t.TempDir()
	r := baton(t, dir, "trace", "nosuchjob")
	path := local.TracePath(dir, "nosuchjob")
	if r.code == 0 || !strings.Contains(r.stderr, path) || !strings.Contains(r.stderr, "recorded by `baton run` from this version on") {
		t.Errorf("exit %d, stderr %q: want an error naming %s and when spans are recorded", r.code, r.stderr, path)
	}
}

// runWithHops runs the sample with small limits so ranges hop, and
// returns the state dir and the job id.
func runWithHops(t *testing.T) (dir, jobID string) {
	t.Helper()
	dir = t.TempDir()
	r := baton(t, dir, "run", sample, "--query", "SELECT count(*) FROM s3object", "--range-size", "1MiB",
		"--batch-size", "2KiB", "--timeout", "3ms")
	m := jobRE.FindStringSubmatch(r.stderr)
	if r.code != 0 || m == nil {
		t.Fatalf("run: exit %d, stderr %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "baton trace "+m[1]) {
		t.Errorf("summary does not point at baton trace: %s", r.stderr)
	}
	return dir, m[1]
}

// invocationSpans counts the span file's splitter, range and fan-in spans.
func invocationSpans(t *testing.T, dir, jobID string) (total, ranges int) {
	t.Helper()
	recs, err := observability.ReadSpanFile(local.TracePath(dir, jobID))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[any]bool{}
	for _, r := range recs {
		switch r.Name {
		case "baton.range":
			seen[r.Attributes["baton.range.index"]] = true
			total++
		case "baton.split", "baton.fanin":
			total++
		}
	}
	return total, len(seen)
}

func TestTraceWaterfallShowsEveryRange(t *testing.T) {
	dir, jobID := runWithHops(t)
	total, ranges := invocationSpans(t, dir, jobID)
	r := baton(t, dir, "trace", jobID, "--width", "90")
	if r.code != 0 {
		t.Fatalf("trace: exit %d: %s", r.code, r.stderr)
	}
	var rows []string
	for _, line := range strings.Split(r.stdout, "\n") {
		if label, _, ok := strings.Cut(line, "│"); ok {
			rows = append(rows, strings.TrimSpace(label))
		}
	}
	if len(rows) != ranges+2 || rows[0] != "split" || rows[len(rows)-1] != "fan-in" {
		t.Errorf("rows %q: want split, %d ranges, fan-in\n%s", rows, ranges, r.stdout)
	}
	if want := " " + strconv.Itoa(total) + " invocation attempts"; !strings.Contains(r.stdout, want) {
		t.Errorf("header lacks %q:\n%s", want, r.stdout)
	}
}

// The page `baton trace --html` writes draws, in headless Chromium, one bar
// per invocation span in the job's span file.
func TestTraceHTMLDrawsOneBarPerInvocationInChromium(t *testing.T) {
	dir, jobID := runWithHops(t)
	total, _ := invocationSpans(t, dir, jobID)
	page := filepath.Join(t.TempDir(), "trace.html")
	r := baton(t, dir, "trace", jobID, "--html", page)
	if r.code != 0 {
		t.Fatalf("trace --html: exit %d: %s", r.code, r.stderr)
	}
	if got := browsertest.BarCount(t, page); got != total || total < 4 {
		t.Errorf("chromium drew %d bars; the span file has %d invocations (want at least split, 2 ranges, fan-in)", got, total)
	}
	if os.Getenv("BATON_TRACE_SCREENSHOT") != "" { // regenerate docs/trace-timeline.png
		browsertest.Screenshot(t, page, os.Getenv("BATON_TRACE_SCREENSHOT"), 1200, 420)
	}
}
