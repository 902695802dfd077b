package local_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/local"
	"github.com/batonrun/baton/internal/local/localtest"
	"github.com/batonrun/baton/internal/localrt"
)

func run(t *testing.T, cfg local.Config) local.Outcome {
	t.Helper()
	if cfg.StateDir == "" {
		cfg.StateDir = t.TempDir()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := local.Run(ctx, cfg)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if out.Failed != nil {
		t.Fatalf("job failed: %s: %s", out.Failed.Code, out.Failed.Reason)
	}
	return out
}

// awkReference runs scripts/reference-awk, an independent implementation of
// SELECT origin, count(*), avg(delay) … GROUP BY origin.
func awkReference(t *testing.T, path string) map[string][2]float64 {
	t.Helper()
	out, err := exec.Command("bash", "../../scripts/reference-awk", path).Output()
	if err != nil {
		t.Fatalf("reference-awk: %v", err)
	}
	ref := map[string][2]float64{}
	for i, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if i == 0 {
			continue // header
		}
		f := strings.Split(line, ",")
		n, _ := strconv.ParseFloat(f[1], 64)
		avg, _ := strconv.ParseFloat(f[2], 64)
		ref[f[0]] = [2]float64{n, avg}
	}
	return ref
}

// The flights sample's group-by equals the awk reference, with many ranges
// and hops, on the real data shipped in testdata.
func TestFlightsSampleMatchesAwk(t *testing.T) {
	path := "../../testdata/flights-sample.csv"
	want := awkReference(t, path)
	for _, tc := range []struct {
		name      string
		rangeSize int64
		timeout   time.Duration
	}{
		{"one range", 0, 0},
		{"many ranges and hops", 97 << 10, 50 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := run(t, local.Config{Path: path, Format: events.Format{Kind: "csv", Header: true},
				Query:   "SELECT origin, count(*), avg(delay) FROM s3object GROUP BY origin ORDER BY origin",
				Limits:  events.Limits{RangeSizeBytes: tc.rangeSize, BatchSizeBytes: 8 << 10},
				Runtime: localrt.Options{Timeout: tc.timeout, RetryAttempts: 20}})
			rows := out.Succeeded.Result.Rows
			if len(rows) != len(want) {
				t.Fatalf("%d groups, reference has %d", len(rows), len(want))
			}
			for _, r := range rows {
				n, _ := strconv.ParseFloat(r[1], 64)
				avg, _ := strconv.ParseFloat(r[2], 64)
				ref := want[r[0]]
				if n != ref[0] || math.Abs(avg-ref[1]) > 1e-9 {
					t.Fatalf("%s: count %v avg %v, reference %v %v", r[0], n, avg, ref[0], ref[1])
				}
			}
			if out.Succeeded.Stats.Records != 100000 {
				t.Fatalf("records %d, want 100000", out.Succeeded.Stats.Records)
			}
		})
	}
}

// A tiny timeout forces at least 50 hops in every range; the result is
// still exact.
func TestFiftyHopsPerRange(t *testing.T) {
	path := writeFile(t, "data.txt", paddedLines(8192)) // 64 KiB: two full 32 KiB ranges of 256 batches
	dir := t.TempDir()
	out := run(t, local.Config{Path: path, StateDir: dir, Format: events.Format{Kind: "lines"},
		Query:   "SELECT count(*), sum(CAST(_1 AS SIGNED)) FROM s3object",
		Limits:  events.Limits{RangeSizeBytes: 32 << 10, BatchSizeBytes: 128},
		Runtime: localrt.Options{Timeout: 2 * time.Millisecond, RetryAttempts: 100}}) // retries absorb overruns of so short a deadline
	if got, want := strings.Join(out.Succeeded.Result.Rows[0], ","), fmt.Sprint(8192, ",", 8192*8191/2); got != want {
		t.Fatalf("result %s, want %s", got, want)
	}
	perRange := localtest.CheckpointsPerRange(t, dir, out.JobID)
	for r, n := range perRange {
		if n < 51 {
			t.Fatalf("range %d ran %d invocations, want >= 51 (50 hops)", r, n)
		}
	}
	if out.Succeeded.Stats.Hops < 50*len(perRange) {
		t.Fatalf("hops %d", out.Succeeded.Stats.Hops)
	}
}

// Every event delivered twice gives the same result, once.
func TestEveryEventTwice(t *testing.T) {
	path := writeFile(t, "data.txt", numberedLines(5000))
	cfg := local.Config{Path: path, Format: events.Format{Kind: "lines"},
		Query:   "SELECT count(*), sum(CAST(_1 AS SIGNED)), min(_1), max(_1) FROM s3object",
		Limits:  events.Limits{RangeSizeBytes: 4 << 10, BatchSizeBytes: 512},
		Runtime: localrt.Options{Timeout: 30 * time.Millisecond, RetryAttempts: 20}}
	once := run(t, cfg)
	cfg.DuplicateProbability = 1
	dir := t.TempDir()
	cfg.StateDir = dir
	twice := run(t, cfg)
	if a, b := fmt.Sprint(once.Succeeded.Result), fmt.Sprint(twice.Succeeded.Result); a != b {
		t.Fatalf("duplicated deliveries changed the result:\n%s\n%s", a, b)
	}
	if twice.Delivered < 2*twice.Published-2 {
		t.Fatalf("delivered %d of %d published: duplicates were not delivered", twice.Delivered, twice.Published)
	}
	if got := fmt.Sprint(once.Succeeded.Result.Rows[0][0]); got != "5000" {
		t.Fatalf("count %s", got)
	}
	total := 0
	for _, n := range localtest.CheckpointsPerRange(t, dir, twice.JobID) {
		total += n
	}
	if total != twice.Succeeded.Stats.Invocations {
		t.Fatalf("%d checkpoints for %d committed invocations", total, twice.Succeeded.Stats.Invocations)
	}
}

func TestEmptyObject(t *testing.T) {
	path := writeFile(t, "empty.csv", "")
	out := run(t, local.Config{Path: path, Format: events.Format{Kind: "csv", Header: true}, Query: "SELECT count(*) FROM s3object"})
	if got := out.Succeeded.Result.Rows; len(got) != 1 || got[0][0] != "0" {
		t.Fatalf("rows %v, want one row with 0", got)
	}
}

func TestUnknownColumnFailsBeforeWork(t *testing.T) {
	path := writeFile(t, "a.csv", "x,y\n1,2\n")
	out, err := local.Run(context.Background(), local.Config{Path: path, StateDir: t.TempDir(),
		Format: events.Format{Kind: "csv", Header: true}, Query: "SELECT sum(z) FROM s3object"})
	if err != nil {
		t.Fatal(err)
	}
	if out.Failed == nil || out.Failed.Code != events.CodeBadQuery || !strings.Contains(out.Failed.Reason, `column "z" does not exist; columns are: x, y`) {
		t.Fatalf("outcome %+v", out.Failed)
	}
	if out.Runtime.Invocations != 1 {
		t.Fatalf("%d invocations: work started after a bad column", out.Runtime.Invocations)
	}
}

func TestMissingFile(t *testing.T) {
	out, err := local.Run(context.Background(), local.Config{Path: filepath.Join(t.TempDir(), "nope.csv"), StateDir: t.TempDir(),
		Format: events.Format{Kind: "csv"}, Query: "SELECT count(*) FROM s3object"})
	if err != nil {
		t.Fatal(err)
	}
	if out.Failed == nil || out.Failed.Code != events.CodeObjectMissing {
		t.Fatalf("outcome %+v", out.Failed)
	}
}

func writeFile(t *testing.T, name, data string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// paddedLines are fixed-width 8-byte lines "0000042\n".
func paddedLines(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "%07d\n", i)
	}
	return b.String()
}

func numberedLines(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "%d\n", i)
	}
	return b.String()
}

func TestDirectoryIsRejected(t *testing.T) {
	_, err := local.Run(context.Background(), local.Config{Path: t.TempDir(), StateDir: t.TempDir(),
		Format: events.Format{Kind: "lines"}, Query: "SELECT count(*) FROM s3object"})
	if err == nil || !strings.Contains(err.Error(), "is not a regular file") {
		t.Fatalf("got %v", err)
	}
}

// Without a header, empty lines before the first record are skipped like
// any empty CSV line; with a header, an empty first line fails the job in
// its log (not as a stall) naming the offset.
func TestLeadingEmptyLineCSV(t *testing.T) {
	path := writeFile(t, "lead.csv", "\n1,2\n3,4\n")
	out := run(t, local.Config{Path: path, Format: events.Format{Kind: "csv"}, Query: "SELECT count(*), sum(_1) FROM s3object"})
	if got := strings.Join(out.Succeeded.Result.Rows[0], ","); got != "2,4" {
		t.Fatalf("got %s, want 2,4", got)
	}
	failed, err := local.Run(context.Background(), local.Config{Path: path, StateDir: t.TempDir(),
		Format: events.Format{Kind: "csv", Header: true}, Query: "SELECT count(*) FROM s3object"})
	if err != nil {
		t.Fatal(err)
	}
	if failed.Failed == nil || failed.Failed.Code != events.CodeBadRecord || !strings.Contains(failed.Failed.Reason, "byte offset 0") {
		t.Fatalf("outcome %+v", failed.Failed)
	}
}

// TestBadFirstJSONLineIsSkipped: a first line the schema sampler cannot
// use (nested past the limit) is a bad record like any other, not a failed
// job, and the rest are summed.
func TestBadFirstJSONLineIsSkipped(t *testing.T) {
	var b strings.Builder
	b.WriteString(strings.Repeat("[", 600_000) + strings.Repeat("]", 600_000) + "\n") // past the 1 MiB sample
	want := 0
	for i := 1; i <= 5; i++ {
		fmt.Fprintf(&b, "{\"v\":%d}\n", i)
		want += i
	}
	path := writeFile(t, "d.jsonl", b.String())
	out := run(t, local.Config{Path: path, StateDir: t.TempDir(), Format: events.Format{Kind: "jsonl"},
		Query: "SELECT sum(v), count(*) FROM s3object", Limits: events.Limits{MaxBadRecords: 1}})
	if got := strings.Join(out.Succeeded.Result.Rows[0], ","); got != fmt.Sprint(want, ",5") {
		t.Fatalf("result %s, want %d,5", got, want)
	}
}
