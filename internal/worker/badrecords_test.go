package worker_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/joblog"
)

// secret marks record contents that must not leak unless asked for.
const secret = "SECRET"

// badFile is a generated object with known bad records.
type badFile struct {
	data     string
	bad      []int64             // byte offsets of the bad records, ascending
	sums     map[string][2]int64 // reference over the good records: key -> {count, sum}
	jsonKind bool
}

// genBad writes n records; about one in eight is bad, of every kind the
// format has. CSV: header k,v,w; bad rows have 2 or 4 fields, a v that is
// not a number, or a k (read by the query) that is not valid UTF-8.
// JSONL: bad lines are invalid JSON, not an object, a v that is not a
// number, or a k that is not valid UTF-8. The first records are good, so
// the splitter learns the layout from them.
func genBad(seed uint64, n int, jsonl bool) badFile {
	rng := rand.New(rand.NewPCG(seed, 1))
	f := badFile{sums: map[string][2]int64{}, jsonKind: jsonl}
	var b strings.Builder
	if !jsonl {
		b.WriteString("k,v,w\n")
	}
	for i := 0; i < n; i++ {
		off := int64(b.Len())
		k, v := string(rune('a'+rng.IntN(4))), rng.IntN(1000)
		if i >= 5 && rng.IntN(8) == 0 {
			f.bad = append(f.bad, off)
			b.WriteString(badRecord(rng.IntN(4), jsonl, i) + "\n")
			continue
		}
		if jsonl {
			fmt.Fprintf(&b, `{"k":%q,"v":%d,"w":"x"}`+"\n", k, v)
		} else {
			fmt.Fprintf(&b, "%s,%d,x\n", k, v)
		}
		s := f.sums[k]
		f.sums[k] = [2]int64{s[0] + 1, s[1] + int64(v)}
	}
	f.data = b.String()
	return f
}

func badRecord(kind int, jsonl bool, i int) string {
	s := secret + strconv.Itoa(i)
	if jsonl {
		return [...]string{`{"k":"` + s + `","v":`, `["` + s + `"]`, `{"k":"a","v":"` + s + `"}`, `{"k":"` + s + "\xff" + `","v":1}`}[kind]
	}
	return [...]string{s + ",1", "a,1,x," + s, "b," + s + ",x", s + "\xfe,1,x"}[kind]
}

// reference renders the expected result table rows.
func (f badFile) reference() [][]string {
	var rows [][]string
	for k, s := range f.sums {
		rows = append(rows, []string{k, strconv.FormatInt(s[0], 10), strconv.FormatInt(s[1], 10)})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i][0] < rows[j][0] })
	return rows
}

// badHarness runs a job over f with small ranges and slow batches, so the
// job has several ranges and hops. It captures every published event and
// every log line.
func badHarness(t *testing.T, f badFile) (*harness, *bytes.Buffer, *[]string) {
	h := newHarness(t, "", 8*time.Second, 256)
	h.store.Put("", "obj.csv", []byte(f.data))
	h.timeout = 15 * time.Second
	logs := &bytes.Buffer{}
	h.tel = &telemetry{logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	published := &[]string{}
	h.after = func(e events.Envelope) { *published = append(*published, string(e.Detail)) }
	return h, logs, published
}

func badRequest(jobID string, f badFile, limits events.Limits) events.JobRequested {
	req := request(jobID, 256)
	req.Query = "SELECT k, count(*), sum(v) FROM s3object GROUP BY k ORDER BY k"
	if f.jsonKind {
		req.Format = events.Format{Kind: "jsonl"}
	}
	limits.RangeSizeBytes, limits.BatchSizeBytes = 2048, 256
	req.Limits = limits
	return req
}

// ledgerText is every ledger entry of the job, for leak checks.
func ledgerText(t *testing.T, h *harness, jobID string) string {
	t.Helper()
	es, err := h.ledger.List(context.Background(), jobID, "")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range es {
		b.Write(e.Detail)
	}
	return b.String()
}

// firstIn returns the first bad offset in [lo, hi).
func (f badFile) firstIn(lo, hi int64) int64 {
	for _, o := range f.bad {
		if o >= lo && o < hi {
			return o
		}
	}
	return -1
}

func TestBadRecordsSkippedUpToTheLimit(t *testing.T) {
	for _, jsonl := range []bool{false, true} {
		f := genBad(3, 900, jsonl)
		n := int64(len(f.bad))
		if n < 30 {
			t.Fatalf("only %d bad records generated", n)
		}
		for _, max := range []int64{n, n + 7} {
			name := fmt.Sprintf("jsonl=%v max=%d", jsonl, max)
			h, logs, published := badHarness(t, f)
			jobID := fmt.Sprintf("ok-%v-%d", jsonl, max)
			res := h.run(badRequest(jobID, f, events.Limits{MaxBadRecords: max}))
			if got, want := res.Result.Rows, f.reference(); !slices.EqualFunc(got, want, slices.Equal) {
				t.Errorf("%s: result %v, want %v", name, got, want)
			}
			if res.Stats.Ranges < 3 || res.Stats.Hops < 3 {
				t.Errorf("%s: %d ranges, %d hops: want several of each", name, res.Stats.Ranges, res.Stats.Hops)
			}
			if res.Stats.BadRecords != n {
				t.Errorf("%s: %d bad records, want %d", name, res.Stats.BadRecords, n)
			}
			var offs []int64
			for _, s := range res.Stats.BadRecordSamples {
				offs = append(offs, s.OffsetBytes)
				if s.Reason == "" || s.Value != "" {
					t.Errorf("%s: sample %+v: want a reason and no value", name, s)
				}
			}
			if !slices.Equal(offs, f.bad[:events.MaxBadRecordSamples]) {
				t.Errorf("%s: sample offsets %v, want %v", name, offs, f.bad[:events.MaxBadRecordSamples])
			}
			checkNoSecret(t, name, ledgerText(t, h, jobID), logs.String(), strings.Join(*published, "\n"))
		}
	}
}

func checkNoSecret(t *testing.T, name string, texts ...string) {
	t.Helper()
	for i, s := range texts {
		if j := strings.Index(s, secret); j >= 0 {
			t.Errorf("%s: record contents leak (text %d): …%s…", name, i, s[max(0, j-80):min(len(s), j+40)])
		}
	}
}

func TestBadRecordsOverTheLimitFailTheJob(t *testing.T) {
	for _, jsonl := range []bool{false, true} {
		f := genBad(5, 900, jsonl)
		n := int64(len(f.bad))
		for _, max := range []int64{0, 1, 3, n - 1} {
			name := fmt.Sprintf("jsonl=%v max=%d", jsonl, max)
			h, logs, published := badHarness(t, f)
			jobID := fmt.Sprintf("fail-%v-%d", jsonl, max)
			jf := jobFailed(t, h.end(badRequest(jobID, f, events.Limits{MaxBadRecords: max})), events.CodeBadRecord)
			want := f.bad[0] // the job's first, named by the fan-in's check
			if jf.RangeIndex >= 0 {
				r := plannedRange(t, h, jobID, jf.RangeIndex)
				want = f.firstIn(r.OffsetBytes, r.EndBytes())
			}
			if !strings.Contains(jf.Reason, fmt.Sprintf("byte offset %d", want)) {
				t.Errorf("%s: range %d: reason %q does not name byte offset %d", name, jf.RangeIndex, jf.Reason, want)
			}
			if max > 0 && !strings.Contains(jf.Reason, fmt.Sprintf("more than --max-bad-records %d", max)) {
				t.Errorf("%s: reason %q does not name the limit", name, jf.Reason)
			}
			checkNoSecret(t, name, jf.Reason, ledgerText(t, h, jobID), logs.String(), strings.Join(*published, "\n"))
		}
	}
}

func plannedRange(t *testing.T, h *harness, jobID string, i int) events.Range {
	t.Helper()
	e, err := h.ledger.Get(context.Background(), jobID, joblog.PlanKey(i))
	if err != nil {
		t.Fatal(err)
	}
	var rp events.RangePlanned
	if err := joblog.Decode(e, &rp); err != nil {
		t.Fatal(err)
	}
	return rp.Range
}

// With ShowBadValues the samples and the failure carry the offending value
// (at most 64 bytes, valid UTF-8).
func TestShowBadValues(t *testing.T) {
	f := genBad(3, 400, false)
	h, _, _ := badHarness(t, f)
	res := h.run(badRequest("show-ok", f, events.Limits{MaxBadRecords: 1000, ShowBadValues: true}))
	for _, s := range res.Stats.BadRecordSamples {
		if !strings.Contains(s.Value, secret) || len(s.Value) > events.MaxBadValueBytes {
			t.Errorf("sample %+v: want the value, at most %d bytes", s, events.MaxBadValueBytes)
		}
	}
	h, _, _ = badHarness(t, f)
	jf := jobFailed(t, h.end(badRequest("show-fail", f, events.Limits{ShowBadValues: true})), events.CodeBadRecord)
	if !strings.Contains(jf.Reason, secret) {
		t.Errorf("reason %q: want the value with ShowBadValues", jf.Reason)
	}
}
