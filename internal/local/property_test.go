package local_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/gentest"
	"github.com/batonrun/baton/internal/local"
	"github.com/batonrun/baton/internal/localrt"
)

func genRows(t *rapid.T) []gentest.Row {
	return rapid.SliceOfN(rapid.Custom(func(t *rapid.T) gentest.Row {
		return gentest.Row{
			Key:   rapid.SampledFrom(gentest.Keys()).Draw(t, "key"),
			Val:   rapid.Int64Range(-1000, 1000).Draw(t, "val"),
			CRLF:  rapid.Bool().Draw(t, "crlf"),
			Blank: rapid.IntRange(0, 9).Draw(t, "blank") == 0,
			Pad:   rapid.SampledFrom([]int{0, 1, 7, 100, 3000}).Draw(t, "pad"),
		}
	}), 0, 400).Draw(t, "rows")
}

// Random objects, range sizes, batch sizes and timeouts: every run equals
// the single-pass reference computed without splitting.
func TestRandomJobsEqualReference(t *testing.T) {
	stateDir := t.TempDir()
	rapid.Check(t, func(rt *rapid.T) {
		format := rapid.SampledFrom([]string{"csv", "jsonl", "lines"}).Draw(rt, "format")
		rows := genRows(rt)
		path := filepath.Join(t.TempDir(), "obj")
		if err := os.WriteFile(path, []byte(gentest.Render(format, rows)), 0o644); err != nil {
			rt.Fatal(err)
		}
		cfg := local.Config{Path: path, StateDir: stateDir, Query: gentest.Query(format),
			Format: events.Format{Kind: format, Header: format == "csv"},
			Limits: events.Limits{
				RangeSizeBytes: int64(rapid.IntRange(1<<10, 64<<10).Draw(rt, "rangeSize")),
				BatchSizeBytes: int64(rapid.IntRange(1, 16<<10).Draw(rt, "batchSize")),
			},
			// A loaded CI machine can overrun a 40ms deadline; like Lambda, the
			// runtime then retries, and extra attempts keep the test about
			// results rather than the machine's speed.
			Runtime: localrt.Options{Timeout: time.Duration(rapid.SampledFrom([]int{0, 40, 200, 1000}).Draw(rt, "timeoutMillis")) * time.Millisecond,
				Seed: rapid.Uint64().Draw(rt, "seed"), RetryAttempts: 20},
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		out, err := local.Run(ctx, cfg)
		if err != nil {
			rt.Fatalf("run: %v", err)
		}
		if out.Failed != nil {
			rt.Fatalf("job failed: %s: %s", out.Failed.Code, out.Failed.Reason)
		}
		var got []string
		for _, r := range out.Succeeded.Result.Rows {
			got = append(got, strings.Join(r, ","))
		}
		want := gentest.Reference(format, rows)
		if format != "lines" && len(rows) == 0 {
			want = nil
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			rt.Fatalf("result\n%s\nreference\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

// A quoted CSV field holding a line break: the result is exact, or the job
// fails naming the boundary — never a wrong count.
func TestQuotedNewlinesExactOrError(t *testing.T) {
	stateDir := t.TempDir()
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.IntRange(1, 200).Draw(rt, "rows")
		var b strings.Builder
		b.WriteString("k,v\n")
		for i := range n {
			if rapid.IntRange(0, 4).Draw(rt, "multiline") == 0 {
				fmt.Fprintf(&b, "\"line one\nline %d\",%d\n", i, i)
			} else {
				fmt.Fprintf(&b, "plain,%d\n", i)
			}
		}
		path := filepath.Join(t.TempDir(), "q.csv")
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			rt.Fatal(err)
		}
		out, err := local.Run(context.Background(), local.Config{Path: path, StateDir: stateDir,
			Query: "SELECT count(*), sum(v) FROM s3object", Format: events.Format{Kind: "csv", Header: true},
			Limits: events.Limits{RangeSizeBytes: int64(rapid.IntRange(1<<10, 8<<10).Draw(rt, "rangeSize"))}})
		if err != nil {
			rt.Fatal(err)
		}
		if out.Failed != nil {
			if out.Failed.Code != events.CodeBoundary && out.Failed.Code != events.CodeBadRecord {
				rt.Fatalf("failed with %s: %s", out.Failed.Code, out.Failed.Reason)
			}
			if !strings.Contains(out.Failed.Reason, "byte") || !strings.Contains(out.Failed.Reason, "--range-size") {
				rt.Fatalf("error does not name an offset and the remedy: %s", out.Failed.Reason)
			}
			return
		}
		if got, want := strings.Join(out.Succeeded.Result.Rows[0], ","), fmt.Sprint(n, ",", n*(n-1)/2); got != want {
			rt.Fatalf("result %s, want %s", got, want)
		}
	})
}
