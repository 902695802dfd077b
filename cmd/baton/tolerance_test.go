package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/batonrun/baton/events"
)

// tolCSV writes a CSV (k,v) of about 9 KiB with a record longer than 256
// bytes starting in 1 KiB range longAt, and returns its path, the
// reference rows over the records of the other ranges (one object per k
// with its count and sum, as --output json renders them) and the number of
// 1 KiB ranges.
func tolCSV(t *testing.T, longAt int) (string, []map[string]any, int) {
	t.Helper()
	var b strings.Builder
	b.WriteString("k,v\n")
	type agg struct{ n, sum int64 }
	sums := map[string]*agg{}
	placed := false
	for i := 0; b.Len() < 9*1024; i++ {
		off := b.Len()
		if !placed && off >= longAt*1024+100 {
			b.WriteString(strings.Repeat("z", 300) + ",1\n")
			placed = true
			continue
		}
		k, v := string(rune('a'+i%3)), int64(i%97)
		fmt.Fprintf(&b, "%s,%d\n", k, v)
		if off/1024 != longAt {
			if sums[k] == nil {
				sums[k] = &agg{}
			}
			sums[k].n++
			sums[k].sum += v
		}
	}
	path := filepath.Join(t.TempDir(), "tol.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range sums {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var rows []map[string]any
	for _, k := range keys {
		rows = append(rows, map[string]any{"k": k, "count(*)": json.Number(fmt.Sprint(sums[k].n)), "sum(v)": json.Number(fmt.Sprint(sums[k].sum))})
	}
	return path, rows, (b.Len() + 1023) / 1024
}

const tolQuery = "SELECT k, count(*), sum(v) FROM s3object GROUP BY k ORDER BY k"

// A range over --max-record-size within --tolerated-failure-count: the
// partial result equals the reference over the other ranges, is marked in
// the JSON output and on stderr, exits 3, and `baton status` shows it.
func TestRunPartialResult(t *testing.T) {
	const longAt = 4
	path, want, ranges := tolCSV(t, longAt)
	dir := t.TempDir()
	r := baton(t, dir, "run", path, "--query", tolQuery, "--range-size", "1KiB", "--max-record-size", "256",
		"--tolerated-failure-count", "1", "--output", "json")
	if r.code != exitPartial {
		t.Fatalf("exit %d, want %d: %s", r.code, exitPartial, r.stderr)
	}
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	dec.UseNumber()
	var got struct {
		Partial      bool                 `json:"partial"`
		FailedRanges []events.FailedRange `json:"failedRanges"`
		Rows         []map[string]any     `json:"rows"`
	}
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("%v in\n%s", err, r.stdout)
	}
	if !got.Partial || !reflect.DeepEqual(got.Rows, want) {
		t.Errorf("partial %v, rows %v, want %v", got.Partial, got.Rows, want)
	}
	if len(got.FailedRanges) != 1 {
		t.Fatalf("failed ranges %+v, want range %d", got.FailedRanges, longAt)
	}
	f := got.FailedRanges[0]
	if f.RangeIndex != longAt || f.OffsetBytes != longAt*1024 || f.LengthBytes != 1024 || f.Code != events.CodeRecordTooBig || f.Reason == "" {
		t.Errorf("failed range %+v, want range %d bytes [%d, %d) %s", f, longAt, longAt*1024, longAt*1024+1024, events.CodeRecordTooBig)
	}
	head := fmt.Sprintf("PARTIAL RESULT: 1 of %d ranges failed: range %d bytes [%d, %d): %s: ", ranges, longAt, longAt*1024, longAt*1024+1024, events.CodeRecordTooBig)
	if !strings.Contains(r.stderr, head) {
		t.Errorf("stderr lacks %q:\n%s", head, r.stderr)
	}
	m := jobRE.FindStringSubmatch(r.stderr)
	if m == nil {
		t.Fatalf("no summary: %s", r.stderr)
	}
	st := baton(t, dir, "status", m[1])
	wantStatus := regexp.MustCompile(fmt.Sprintf(`partial\s+yes: 1 of %d ranges failed[\s\S]*failed range\s+range %d bytes`, ranges, longAt))
	if st.code != 0 || !wantStatus.MatchString(st.stdout) {
		t.Errorf("status (exit %d) does not show the partial result:\n%s%s", st.code, st.stdout, st.stderr)
	}
	// `redrive --failed` retries only that range, as attempt 1; the record
	// is still too long, so the job is partial again, with the same rows.
	rd := baton(t, dir, "redrive", m[1], "--failed")
	if rd.code != exitPartial || !strings.Contains(rd.stderr, fmt.Sprintf("attempt 1 retries ranges [%d]", longAt)) {
		t.Fatalf("redrive --failed: exit %d, stderr:\n%s", rd.code, rd.stderr)
	}
	// Each --failed is a new attempt over what is still failed.
	again := baton(t, dir, "redrive", m[1], "--failed")
	if again.code != exitPartial || !strings.Contains(again.stderr, fmt.Sprintf("attempt 2 retries ranges [%d]", longAt)) {
		t.Errorf("second redrive --failed: exit %d, stderr:\n%s", again.code, again.stderr)
	}
}

// Over the threshold (count or percent) the job fails with
// tolerated_failures_exceeded; with no tolerance, with the range's own code.
func TestRunTooManyFailures(t *testing.T) {
	path, _, _ := tolCSV(t, 2)
	for _, tc := range []struct {
		flags []string
		code  string
	}{
		{[]string{"--tolerated-failure-percent", "5"}, events.CodeTooManyFailures},
		{nil, events.CodeRecordTooBig},
	} {
		args := append([]string{"run", path, "--query", tolQuery, "--range-size", "1KiB", "--max-record-size", "256"}, tc.flags...)
		r := baton(t, t.TempDir(), args...)
		if r.code != 1 || !strings.Contains(r.stderr, "failed ("+tc.code+")") || strings.Contains(r.stderr, "PARTIAL") {
			t.Errorf("%v: exit %d, want 1 naming %s:\n%s", tc.flags, r.code, tc.code, r.stderr)
		}
	}
	r := baton(t, t.TempDir(), "run", path, "--query", tolQuery, "--tolerated-failure-percent", "101")
	if r.code != 1 || !strings.Contains(r.stderr, "--tolerated-failure-percent 101") {
		t.Errorf("percent 101: exit %d: %s", r.code, r.stderr)
	}
}
