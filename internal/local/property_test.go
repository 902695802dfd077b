package local_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/local"
	"github.com/batonrun/baton/internal/localrt"
)

// genRow is one generated record: its group key, its value and how it is
// written (the reference is computed from these, not by parsing the file).
type genRow struct {
	key   string
	val   int64
	crlf  bool
	blank bool // an empty line precedes the record
	pad   int  // extra bytes in a text field, to vary record lengths
}

var keys = []string{"a", "b,c", `q"uote`, "ü", "long"}

func genRows(t *rapid.T) []genRow {
	return rapid.SliceOfN(rapid.Custom(func(t *rapid.T) genRow {
		return genRow{
			key:   rapid.SampledFrom(keys).Draw(t, "key"),
			val:   rapid.Int64Range(-1000, 1000).Draw(t, "val"),
			crlf:  rapid.Bool().Draw(t, "crlf"),
			blank: rapid.IntRange(0, 9).Draw(t, "blank") == 0,
			pad:   rapid.SampledFrom([]int{0, 1, 7, 100, 3000}).Draw(t, "pad"),
		}
	}), 0, 400).Draw(t, "rows")
}

func csvQuote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// render writes rows in a format; lines format has no key, so the
// reference there is count and sum only.
func render(format string, rows []genRow) string {
	var b strings.Builder
	if format == "csv" {
		b.WriteString("k,v,pad\n")
	}
	for _, r := range rows {
		end := "\n"
		if r.crlf {
			end = "\r\n"
		}
		if r.blank && format != "lines" {
			b.WriteString(end)
		}
		pad := strings.Repeat("x", r.pad)
		switch format {
		case "csv":
			fmt.Fprintf(&b, "%s,%d,%s%s", csvQuote(r.key), r.val, pad, end)
		case "jsonl":
			fmt.Fprintf(&b, `{"k":%q,"v":%d,"p":%q}%s`, r.key, r.val, pad, end)
		default:
			fmt.Fprintf(&b, "%d %s%s", r.val, pad, end)
		}
	}
	return b.String()
}

// reference is the single-pass answer, sorted by key: "key,count,sum".
func reference(format string, rows []genRow) []string {
	if format == "lines" {
		return []string{fmt.Sprint(len(rows))}
	}
	count, sum := map[string]int64{}, map[string]int64{}
	for _, r := range rows {
		count[r.key]++
		sum[r.key] += r.val
	}
	var out []string
	for k := range count {
		out = append(out, fmt.Sprintf("%s,%d,%d", k, count[k], sum[k]))
	}
	sort.Strings(out)
	return out
}

var queries = map[string]string{
	"csv":   "SELECT k, count(*), sum(v) FROM s3object GROUP BY k ORDER BY k",
	"jsonl": "SELECT k, count(*), sum(v) FROM s3object GROUP BY k ORDER BY k",
	"lines": "SELECT count(*) FROM s3object",
}

// Random objects, range sizes, batch sizes and timeouts: every run equals
// the single-pass reference computed without splitting.
func TestRandomJobsEqualReference(t *testing.T) {
	stateDir := t.TempDir()
	rapid.Check(t, func(rt *rapid.T) {
		format := rapid.SampledFrom([]string{"csv", "jsonl", "lines"}).Draw(rt, "format")
		rows := genRows(rt)
		path := filepath.Join(t.TempDir(), "obj")
		if err := os.WriteFile(path, []byte(render(format, rows)), 0o644); err != nil {
			rt.Fatal(err)
		}
		cfg := local.Config{Path: path, StateDir: stateDir, Query: queries[format],
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
		want := reference(format, rows)
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
