package worker_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/gentest"
	"github.com/batonrun/baton/internal/joblog"
	"github.com/batonrun/baton/internal/ledger"
	"github.com/batonrun/baton/internal/worker"
)

// parJob is one job to run with several parallelisms.
type parJob struct {
	data     string
	req      events.JobRequested
	perBatch time.Duration // fake time each batch takes
	timeout  time.Duration // per invocation, fake time
	rereads  bool          // the worker's Options.CheapRereads
}

// parRun is what a job left: its terminal entry, its checkpoints (timing
// fields zeroed) and the worker's parallel batch counts.
type parRun struct {
	terminal        ledger.Entry
	cks             []events.CheckpointCommitted
	kept, discarded int64
}

func runPar(t *testing.T, j parJob, par int) parRun {
	t.Helper()
	h := newHarness(t, j.data, j.perBatch, 0)
	h.timeout, h.par, h.rereads = j.timeout, par, j.rereads
	run := parRun{terminal: h.end(j.req)}
	es, err := h.ledger.List(context.Background(), j.req.JobID, joblog.PrefixCkpt)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		var ck events.CheckpointCommitted
		if err := joblog.Decode(e, &ck); err != nil {
			t.Fatal(err)
		}
		ck.DurationMillis, ck.CacheHits = 0, 0
		run.cks = append(run.cks, ck)
	}
	run.kept, run.discarded = worker.ParallelBatches(h.worker)
	return run
}

// sameRun fails unless got (parallel) left exactly the checkpoints and the
// outcome of want (sequential).
func sameRun(t *testing.T, want, got parRun) {
	t.Helper()
	if len(got.cks) != len(want.cks) {
		t.Fatalf("%d checkpoints, sequential %d", len(got.cks), len(want.cks))
	}
	for i := range want.cks {
		if !reflect.DeepEqual(got.cks[i], want.cks[i]) {
			t.Fatalf("checkpoint %d:\n%+v\n%s\nsequential:\n%+v\n%s", i, got.cks[i], got.cks[i].Partial, want.cks[i], want.cks[i].Partial)
		}
	}
	if got.terminal.DetailType != want.terminal.DetailType {
		t.Fatalf("ended with %s %s, sequential %s %s", got.terminal.DetailType, got.terminal.Detail,
			want.terminal.DetailType, want.terminal.Detail)
	}
	if want.terminal.DetailType == events.TypeJobFailed {
		var a, b events.JobFailed
		_ = joblog.Decode(got.terminal, &a)
		_ = joblog.Decode(want.terminal, &b)
		if a.Code != b.Code || a.Reason != b.Reason {
			t.Fatalf("failed with %s %q, sequential %s %q", a.Code, a.Reason, b.Code, b.Reason)
		}
		return
	}
	if !reflect.DeepEqual(resultOf(t, got), resultOf(t, want)) {
		t.Fatalf("result %v, sequential %v", resultOf(t, got), resultOf(t, want))
	}
}

func resultOf(t *testing.T, r parRun) [][]string {
	t.Helper()
	var s events.JobSucceeded
	if err := joblog.Decode(r.terminal, &s); err != nil || r.terminal.DetailType != events.TypeJobSucceeded {
		t.Fatalf("job ended with %s %s (%v)", r.terminal.DetailType, r.terminal.Detail, err)
	}
	return s.Result.Rows
}

// genRows draws n rows: every key, CRLF and LF, empty lines, lengths from
// 1 to 700+ bytes.
func genRows(seed uint64, n int, keys []string) []gentest.Row {
	rng := rand.New(rand.NewPCG(seed, 7))
	rows := make([]gentest.Row, n)
	for i := range rows {
		rows[i] = gentest.Row{Key: keys[rng.IntN(len(keys))], Val: rng.Int64N(2001) - 1000,
			CRLF: rng.IntN(2) == 0, Blank: rng.IntN(6) == 0, Pad: []int{0, 1, 7, 100, 700}[rng.IntN(5)]}
	}
	return rows
}

func parRequest(id, format, query string, rangeBytes, batchBytes int64, lim events.Limits) events.JobRequested {
	lim.RangeSizeBytes, lim.BatchSizeBytes = rangeBytes, batchBytes
	return events.JobRequested{SchemaVersion: events.SchemaVersion, JobID: id, Object: events.ObjectRef{Key: "obj.csv"},
		Query: query, Format: events.Format{Kind: format, Header: format == "csv"}, Limits: lim}
}

// parQuery is a query and its answer computed from the rows.
type parQuery struct {
	name, sql string
	want      func([]gentest.Row) [][]string
}

func parQueries(format string) []parQuery {
	group := parQuery{"group", gentest.Query(format), func(rows []gentest.Row) [][]string {
		var out [][]string
		for _, l := range gentest.Reference(format, rows) {
			out = append(out, []string{l})
		}
		return out
	}}
	if format == "lines" {
		return []parQuery{group, {"first lines", "SELECT line FROM s3object LIMIT 4", func(rows []gentest.Row) [][]string {
			var out [][]string
			for _, r := range rows[:min(4, len(rows))] {
				out = append(out, []string{fmt.Sprintf("%d %s", r.Val, strings.Repeat("x", r.Pad))})
			}
			return out
		}}}
	}
	return []parQuery{group, {"top values", "SELECT k, v FROM s3object ORDER BY CAST(v AS SIGNED) DESC LIMIT 5", func(rows []gentest.Row) [][]string {
		idx := make([]int, len(rows))
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(a, b int) int { return int(rows[b].Val - rows[a].Val) })
		var out [][]string
		for _, i := range idx[:min(5, len(idx))] {
			out = append(out, []string{rows[i].Key, fmt.Sprint(rows[i].Val)})
		}
		return out
	}}}
}

// joined renders group results as "key,count,sum" lines like
// gentest.Reference, and leaves other results as they are.
func joined(q parQuery, rows [][]string) [][]string {
	if q.name != "group" {
		return rows
	}
	var out [][]string
	for _, r := range rows {
		out = append(out, []string{strings.Join(r, ",")})
	}
	return out
}

// Parallelism 1, 3 and 4 leave the same checkpoints (cursors, counts,
// partial results byte for byte) and the same result, which is also the
// reference computed from the generated rows: all three formats, CRLF and
// empty lines, batches smaller than a record, one range or several, with
// and without hops.
func TestParallelEqualsSequential(t *testing.T) {
	for _, format := range []string{"csv", "jsonl", "lines"} {
		rows := genRows(uint64(len(format)), 120, gentest.Keys())
		data := gentest.Render(format, rows)
		for _, q := range parQueries(format) {
			var kept int64
			for _, batch := range []int64{5, 61, 512, 4096} {
				for _, rangeBytes := range []int64{1 << 20, 3000} {
					for _, hops := range []bool{false, true} {
						if hops && batch < 64 {
							continue // thousands of invocations
						}
						name := fmt.Sprintf("%s/%s/batch%d/range%d/hops%v", format, q.name, batch, rangeBytes, hops)
						t.Run(name, func(t *testing.T) {
							j := parJob{data: data, perBatch: 0, timeout: time.Hour,
								req: parRequest("par", format, q.sql, rangeBytes, batch, events.Limits{})}
							if hops {
								j.perBatch, j.timeout = time.Second, 8*time.Second
							}
							seq := runPar(t, j, 1)
							if got, want := joined(q, resultOf(t, seq)), q.want(rows); !reflect.DeepEqual(got, want) {
								t.Fatalf("sequential result %q, reference %q", got, want)
							}
							for _, par := range []int{3, 4} {
								run := runPar(t, j, par)
								sameRun(t, seq, run)
								kept += run.kept
								if batch <= 512 && run.kept == 0 {
									t.Fatalf("parallelism %d: no parallel batch kept (%d discarded)", par, run.discarded)
								}
							}
							for _, par := range []int{1, 4} { // readers re-read instead of copying
								rj := j
								rj.rereads = true
								sameRun(t, seq, runPar(t, rj, par))
							}
						})
					}
				}
			}
			if kept == 0 {
				t.Fatalf("%s %s: no parallel batch kept", format, q.name)
			}
		}
	}
}

// Keys holding quoted line breaks (LF and CRLF): a span that syncs by
// newline search lands inside a quoted field, the spans disagree on a
// record start, and the batch is run again sequentially. The result is
// still exact and equal to the sequential run's.
func TestParallelQuotedNewlinesFallBack(t *testing.T) {
	// (A CRLF inside a quoted field reads as LF, as in encoding/csv, so the
	// keys hold LF only and CRLF appears as record ends.)
	keys := []string{"one\nline break", "two\nbreaks\n", "plain", "q\"uote\n,"}
	rows := genRows(11, 150, keys)
	data := gentest.Render("csv", rows)
	var want [][]string
	for _, l := range gentest.Reference("csv", rows) {
		want = append(want, []string{l})
	}
	q := parQueries("csv")[0]
	var discarded int64
	for _, batch := range []int64{5, 61, 512, 3000} {
		t.Run(fmt.Sprint("batch", batch), func(t *testing.T) {
			j := parJob{data: data, timeout: time.Hour, req: parRequest("quoted", "csv", q.sql, 1<<20, batch, events.Limits{})}
			seq := runPar(t, j, 1)
			if got := joined(q, resultOf(t, seq)); !reflect.DeepEqual(got, want) {
				t.Fatalf("sequential result %q, reference %q", got, want)
			}
			run := runPar(t, j, 4)
			sameRun(t, seq, run)
			discarded += run.discarded
		})
	}
	if discarded == 0 {
		t.Fatal("no parallel batch discarded: the quoted line breaks never crossed a span boundary?")
	}
}

// withBad inserts a bad record (a CSV record with two of the three fields,
// a JSON line that does not parse) before every every-th line after the
// header, and returns the text and the offsets of the bad records.
func withBad(format, text string, every int) (string, []int64) {
	bad := "SECRET,1\n"
	if format == "jsonl" {
		bad = "{\"k\": SECRET\n"
	}
	lines := strings.SplitAfter(text, "\n")
	var b strings.Builder
	var offs []int64
	for i, l := range lines {
		if i > 0 && i%every == 0 {
			offs = append(offs, int64(b.Len()))
			b.WriteString(bad)
		}
		b.WriteString(l)
	}
	return b.String(), offs
}

// Bad records with --max-bad-records 0, below their count and at it: the
// parallel run skips, counts, samples and fails exactly as the sequential
// one, naming the same record. Within the limit the result is the
// reference over the good rows; at 0 the failure names the first bad
// record's offset.
func TestParallelBadRecordsAsSequential(t *testing.T) {
	for _, format := range []string{"csv", "jsonl"} {
		rows := genRows(5, 150, gentest.Keys())
		data, bad := withBad(format, gentest.Render(format, rows), 37)
		q := parQueries(format)[0]
		var discarded int64
		for _, max := range []int64{0, int64(len(bad)) - 1, int64(len(bad))} {
			for _, batch := range []int64{61, 700} {
				for _, hops := range []bool{false, true} {
					t.Run(fmt.Sprintf("%s/max%d/batch%d/hops%v", format, max, batch, hops), func(t *testing.T) {
						j := parJob{data: data, timeout: time.Hour,
							req: parRequest("bad", format, q.sql, 1<<20, batch, events.Limits{MaxBadRecords: max})}
						if hops {
							j.perBatch, j.timeout = time.Second, 10*time.Second
						}
						seq := runPar(t, j, 1)
						run := runPar(t, j, 4)
						sameRun(t, seq, run)
						if !hops && run.discarded == 0 {
							t.Fatalf("parallel batches kept %d, discarded %d: the bad records went unseen", run.kept, run.discarded)
						}
						discarded += run.discarded
						checkBadOutcome(t, seq, q, rows, bad, max)
					})
				}
			}
		}
		if discarded == 0 {
			t.Fatalf("%s: no parallel batch discarded", format)
		}
	}
}

// checkBadOutcome checks a run against what the generated rows and the bad
// offsets say it must be.
func checkBadOutcome(t *testing.T, r parRun, q parQuery, rows []gentest.Row, bad []int64, max int64) {
	t.Helper()
	if max >= int64(len(bad)) {
		if got, want := joined(q, resultOf(t, r)), q.want(rows); !reflect.DeepEqual(got, want) {
			t.Fatalf("result %q, reference %q", got, want)
		}
		var n int64
		for _, ck := range r.cks {
			n += ck.BadRecords
		}
		if n != int64(len(bad)) {
			t.Fatalf("%d bad records counted, %d written", n, len(bad))
		}
		return
	}
	jf := jobFailed(t, r.terminal, events.CodeBadRecord)
	if max == 0 && !strings.Contains(jf.Reason, fmt.Sprint(bad[0])) {
		t.Fatalf("reason %q does not name the first bad record at byte %d", jf.Reason, bad[0])
	}
}
