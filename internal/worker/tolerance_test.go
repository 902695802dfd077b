package worker_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/joblog"
)

// tolFile is a CSV (header k,v,w) with a few bad records (two fields) at
// chosen byte offsets; the ranges that own them fail with bad_record when
// MaxBadRecords is 0.
type tolFile struct {
	data string
	good []tolRecord // offset, key and value of every good record
	bad  []int64     // offsets of the bad records
}

type tolRecord struct {
	off  int64
	k    string
	v    int64
	good bool
}

// genTolerance writes n records and a bad record at the first record start
// at or after each of badAt.
func genTolerance(n int, badAt []int64) tolFile {
	var f tolFile
	var b strings.Builder
	b.WriteString("k,v,w\n")
	next := 0
	for i := 0; i < n; i++ {
		off := int64(b.Len())
		if next < len(badAt) && off >= badAt[next] && i > 5 {
			f.bad = append(f.bad, off)
			fmt.Fprintf(&b, "%s%d,1\n", secret, i)
			next++
			continue
		}
		k, v := string(rune('a'+i%4)), int64(i*7%1000)
		f.good = append(f.good, tolRecord{off: off, k: k, v: v, good: true})
		fmt.Fprintf(&b, "%s,%d,x\n", k, v)
	}
	f.data = b.String()
	return f
}

// planOf reads the job's planned ranges from the ledger.
func planOf(t *testing.T, h *harness, jobID string) []events.Range {
	t.Helper()
	es, err := h.ledger.List(context.Background(), jobID, joblog.PrefixPlan)
	if err != nil {
		t.Fatal(err)
	}
	var rs []events.Range
	for _, e := range es {
		var rp events.RangePlanned
		if err := joblog.Decode(e, &rp); err != nil {
			t.Fatal(err)
		}
		rs = append(rs, rp.Range)
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].Index < rs[j].Index })
	return rs
}

// owner is the range holding byte off (the range that owns a record
// starting there).
func owner(rs []events.Range, off int64) int {
	for _, r := range rs {
		if off >= r.OffsetBytes && off < r.EndBytes() {
			return r.Index
		}
	}
	return -1
}

// expect computes, from the plan alone, the failed ranges (those owning a
// bad record, with their spans) and the reference rows over the good
// records of the other ranges.
func (f tolFile) expect(rs []events.Range) (failed []events.FailedRange, rows [][]string, records int64) {
	bad := map[int]bool{}
	for _, o := range f.bad {
		bad[owner(rs, o)] = true
	}
	for _, r := range rs {
		if bad[r.Index] {
			failed = append(failed, events.FailedRange{RangeIndex: r.Index, OffsetBytes: r.OffsetBytes, LengthBytes: r.LengthBytes, Code: events.CodeBadRecord})
		}
	}
	sums := map[string][2]int64{}
	for _, g := range f.good {
		if !bad[owner(rs, g.off)] {
			s := sums[g.k]
			sums[g.k] = [2]int64{s[0] + 1, s[1] + g.v}
			records++
		}
	}
	for k, s := range sums {
		rows = append(rows, []string{k, strconv.FormatInt(s[0], 10), strconv.FormatInt(s[1], 10)})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i][0] < rows[j][0] })
	return failed, rows, records
}

// tolRun runs a job over f with 2 KiB ranges and slow batches (so failed
// ranges have committed checkpoints before they fail), delivering every
// range event copies times. It returns the terminal entry's detail, the
// plan and the number of terminal events published.
func tolRun(t *testing.T, f tolFile, jobID string, limits events.Limits, copies int) (events.Detail, []events.Range, int) {
	t.Helper()
	h, logs, published := badHarness(t, badFile{data: f.data})
	terminals := 0
	h.deliver = func(e events.Envelope) int {
		switch e.DetailType {
		case events.TypeJobSucceeded, events.TypeJobFailed:
			terminals++
			return 1
		}
		return copies
	}
	e := h.end(badRequest(jobID, badFile{}, limits))
	var d events.Detail = &events.JobFailed{}
	if e.DetailType == events.TypeJobSucceeded {
		d = &events.JobSucceeded{}
	}
	if err := joblog.Decode(e, d); err != nil {
		t.Fatal(err)
	}
	checkNoSecret(t, jobID, ledgerText(t, h, jobID), logs.String(), strings.Join(*published, "\n"))
	return d, planOf(t, h, jobID), terminals
}

// badAt puts bad records late in ranges 1, 3 and 4 (of 2 KiB), so those
// ranges commit checkpoints before they fail.
var badAt = []int64{2048 + 1500, 3*2048 + 1700, 4*2048 + 1200}

// Within the tolerance (count, percent, both) the job succeeds with a
// partial result that equals the reference over the other ranges' records,
// and lists exactly the failed ranges with their spans and codes, however
// often the range events are delivered.
func TestToleratedFailuresGiveAPartialResult(t *testing.T) {
	f := genTolerance(1800, badAt)
	for _, tc := range []struct {
		name   string
		limits events.Limits
		copies int
	}{
		{"count", events.Limits{ToleratedFailureCount: 3}, 1},
		{"percent", events.Limits{ToleratedFailurePercent: 60}, 1},
		{"both", events.Limits{ToleratedFailureCount: 5, ToleratedFailurePercent: 50}, 1},
		{"count duplicated", events.Limits{ToleratedFailureCount: 3}, 2},
	} {
		d, plan, terminals := tolRun(t, f, "tol-"+strings.ReplaceAll(tc.name, " ", "-"), tc.limits, tc.copies)
		s, ok := d.(*events.JobSucceeded)
		if !ok {
			t.Fatalf("%s: job ended with %+v", tc.name, d)
		}
		failed, rows, records := f.expect(plan)
		if len(plan) < 6 || len(failed) != 3 {
			t.Fatalf("%s: %d ranges, %d failed: the test wants 6+ and 3", tc.name, len(plan), len(failed))
		}
		if !slices.EqualFunc(s.Result.Rows, rows, slices.Equal) {
			t.Errorf("%s: result %v, want %v", tc.name, s.Result.Rows, rows)
		}
		if !s.Partial || s.Stats.Records != records || s.Stats.Ranges != len(plan) || terminals != 1 {
			t.Errorf("%s: partial %v, %d records (want %d), %d ranges, %d terminal events", tc.name, s.Partial, s.Stats.Records, records, s.Stats.Ranges, terminals)
		}
		got := slices.Clone(s.FailedRanges)
		for i := range got {
			r := plan[got[i].RangeIndex]
			if want := fmt.Sprintf("byte offset %d", f.bad[i]); owner(plan, f.bad[i]) != r.Index || !strings.Contains(got[i].Reason, want) {
				t.Errorf("%s: failed range %d: reason %q does not name %s", tc.name, r.Index, got[i].Reason, want)
			}
			got[i].Reason = ""
		}
		if !slices.Equal(got, failed) {
			t.Errorf("%s: failed ranges %+v, want %+v", tc.name, got, failed)
		}
	}
}

// Over the tolerance, by count or by percent, the job fails with
// CodeTooManyFailures naming the count and the threshold; with no
// tolerance the first failed range fails the job with its own code.
func TestTooManyFailuresFailTheJob(t *testing.T) {
	f := genTolerance(1800, badAt)
	for _, tc := range []struct {
		name   string
		limits events.Limits
		code   string
		reason string
	}{
		{"count", events.Limits{ToleratedFailureCount: 2}, events.CodeTooManyFailures, "--tolerated-failure-count 2"},
		{"percent", events.Limits{ToleratedFailurePercent: 20}, events.CodeTooManyFailures, "--tolerated-failure-percent 20"},
		{"either", events.Limits{ToleratedFailureCount: 2, ToleratedFailurePercent: 90}, events.CodeTooManyFailures, "--tolerated-failure-count 2"},
		{"none", events.Limits{}, events.CodeBadRecord, "byte offset"},
	} {
		for _, copies := range []int{1, 2} {
			d, plan, terminals := tolRun(t, f, fmt.Sprintf("over-%s-%d", tc.name, copies), tc.limits, copies)
			jf, ok := d.(*events.JobFailed)
			if !ok || jf.Code != tc.code || !strings.Contains(jf.Reason, tc.reason) || terminals != 1 {
				t.Fatalf("%s x%d: ended with %+v (%d terminal events), want JobFailed %s naming %q", tc.name, copies, d, terminals, tc.code, tc.reason)
			}
			failed, _, _ := f.expect(plan)
			if tc.code == events.CodeTooManyFailures {
				// The job fails at the first failure over the threshold.
				k := firstOver(tc.limits, len(plan))
				if want := fmt.Sprintf("%d of %d ranges failed", k, len(plan)); !strings.Contains(jf.Reason, want) || jf.RangeIndex != -1 {
					t.Errorf("%s: reason %q (range %d), want %q and range -1", tc.name, jf.Reason, jf.RangeIndex, want)
				}
			} else if !slices.ContainsFunc(failed, func(r events.FailedRange) bool { return r.RangeIndex == jf.RangeIndex }) {
				t.Errorf("%s: failed range %d, want one of %+v", tc.name, jf.RangeIndex, failed)
			}
		}
	}
}

// firstOver is the smallest number of failed ranges (of total) that
// exceeds l's thresholds, counted directly from their definitions.
func firstOver(l events.Limits, total int) int {
	for k := 1; ; k++ {
		if (l.ToleratedFailureCount > 0 && k > l.ToleratedFailureCount) ||
			(l.ToleratedFailurePercent > 0 && float64(k)/float64(total) > l.ToleratedFailurePercent/100) {
			return k
		}
	}
}
