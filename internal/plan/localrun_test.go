package plan_test

// These tests check the model's structural counts against what the local
// runtime actually did on the same input and settings.
//
// Checked exactly: the ranges; each range's invocations and so the hops;
// the Lambda invocations (splitter + workers + aggregator, from the local
// runtime's own statistics); the EventBridge entries published (the local
// bus's count, JobRequested included); the ledger entries written, per
// kind, read back from the SQLite ledger; and the job's own Stats.
//
// Not checked, because they are estimates by design: wall time, GB-seconds
// and cost (local throughput is not Lambda's), DynamoDB read units and S3
// GETs.
//
// Without hops the invocations are the model's own (a timeout far above
// the scan time gives one invocation per range). With hops the scan time
// is what it is on this machine, so the test gives the model the
// invocations each range took (its committed checkpoints) and checks that
// everything else follows.

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/local"
	"github.com/batonrun/baton/internal/local/localtest"
	"github.com/batonrun/baton/internal/localrt"
	"github.com/batonrun/baton/internal/plan"
)

const sample = "../../testdata/flights-sample.csv"

// observed is what one local run did.
type observed struct {
	out      local.Outcome
	perRange []int            // committed checkpoints (invocations) per range
	entries  map[string]int64 // ledger entries by detail type
}

func runLocal(t *testing.T, rangeSize, batchSize int64, timeout time.Duration) observed {
	t.Helper()
	format, err := local.FormatFromPath(sample)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	out, err := local.Run(context.Background(), local.Config{Path: sample, StateDir: dir, Format: format,
		Query:  "SELECT origin, count(*), avg(delay) FROM s3object GROUP BY origin",
		Limits: events.Limits{RangeSizeBytes: rangeSize, BatchSizeBytes: batchSize},
		// One invocation at a time, so exactly one range completion sees
		// every range done and publishes FanInRequested.
		Runtime: localrt.Options{Timeout: timeout, Concurrency: 1, RecycleProbability: -1, RetryAttempts: 20}})
	if err != nil {
		t.Fatal(err)
	}
	if out.Succeeded == nil {
		t.Fatalf("job failed: %+v", out.Failed)
	}
	return observed{out: out, perRange: perRange(t, dir, out.JobID, out.Succeeded.Stats.Ranges), entries: entriesByType(t, dir, out.JobID)}
}

func entriesByType(t *testing.T, dir, jobID string) map[string]int64 {
	t.Helper()
	by := map[string]int64{}
	for _, e := range localtest.Entries(t, dir, jobID, "") {
		by[e.DetailType]++
	}
	return by
}

func perRange(t *testing.T, dir, jobID string, ranges int) []int {
	t.Helper()
	per := make([]int, ranges)
	for r, n := range localtest.CheckpointsPerRange(t, dir, jobID) {
		per[r] = n
	}
	return per
}

func sampleSize(t *testing.T) int64 {
	t.Helper()
	fi, err := os.Stat(sample)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// checkCounts compares the prediction with the run, field by field.
func checkCounts(t *testing.T, p plan.Prediction, o observed, exactRuntime bool) {
	t.Helper()
	st := o.out.Succeeded.Stats
	t.Logf("ranges %d, invocations %d, hops %d, events %d, ledger entries %v, runtime %+v", p.Ranges, p.Invocations, p.Hops, p.Events.Total(), o.entries, o.out.Runtime)
	if p.Ranges != st.Ranges || p.Ranges != len(o.perRange) {
		t.Fatalf("ranges: model %d, run %d (%d with checkpoints)", p.Ranges, st.Ranges, len(o.perRange))
	}
	if p.WorkerInvocations != int64(st.Invocations) || p.Hops != int64(st.Hops) {
		t.Fatalf("worker invocations/hops: model %d/%d, run %d/%d", p.WorkerInvocations, p.Hops, st.Invocations, st.Hops)
	}
	want := map[string]int64{
		events.TypeJobStarted: p.Ledger.JobStarted, events.TypeRangePlanned: p.Ledger.RangePlanned,
		events.TypeCheckpoint: p.Ledger.Checkpoints, events.TypeRangeCompleted: p.Ledger.RangeCompleted,
		events.TypeJobSucceeded: p.Ledger.Terminal,
	}
	var total int64
	for kind, n := range o.entries {
		total += n
		if want[kind] != n {
			t.Errorf("ledger %s entries: model %d, run %d", kind, want[kind], n)
		}
	}
	if total != p.Ledger.Entries() {
		t.Errorf("ledger entries: model %d, run %d (%v)", p.Ledger.Entries(), total, o.entries)
	}
	if !exactRuntime {
		return
	}
	if got := o.out.Runtime.Invocations; got != p.Invocations {
		t.Errorf("Lambda invocations: model %d, runtime %d (%+v)", p.Invocations, got, o.out.Runtime)
	}
	if o.out.Published != p.Events.Total() {
		t.Errorf("events published: model %d (%+v), bus %d", p.Events.Total(), p.Events, o.out.Published)
	}
}

// Without deadline pressure every count is the model's own: 14 ranges of
// 256 KiB, one invocation each.
func TestCountsMatchLocalRunWithoutHops(t *testing.T) {
	const rangeSize, batchSize = 256 << 10, 64 << 10
	o := runLocal(t, rangeSize, batchSize, time.Minute)
	p, err := plan.Predict(plan.Inputs{ObjectBytes: sampleSize(t), RangeSizeBytes: rangeSize, BatchSizeBytes: batchSize,
		Timeout: time.Minute, Concurrency: 1})
	if err != nil {
		t.Fatal(err)
	}
	if p.Ranges < 2 || p.Hops != 0 {
		t.Fatalf("the case needs several ranges and no hops: %d ranges, %d hops", p.Ranges, p.Hops)
	}
	if o.out.Runtime.Timeouts+o.out.Runtime.Errors != 0 {
		t.Fatalf("a minute-long timeout expired or failed: %+v", o.out.Runtime)
	}
	checkCounts(t, p, o, true)
}

// With a 25 ms timeout ranges hop; given the invocations each range took,
// the model must get hops, events and ledger writes exactly. Events and
// runtime invocations are exact only when no invocation overran its
// deadline (a retried invocation may publish its continuation again, which
// workers absorb as a duplicate), so the run is repeated, at most ten
// times (a loaded machine, as under scripts/test, overruns more often),
// until one has no overrun.
func TestCountsMatchLocalRunWithHops(t *testing.T) {
	const rangeSize, batchSize, timeout = 1 << 20, 16 << 10, 25 * time.Millisecond
	for try := 1; ; try++ {
		o := runLocal(t, rangeSize, batchSize, timeout)
		p, err := plan.Predict(plan.Inputs{ObjectBytes: sampleSize(t), RangeSizeBytes: rangeSize, BatchSizeBytes: batchSize,
			Timeout: timeout, Concurrency: 1, InvocationsPerRange: o.perRange})
		if err != nil {
			t.Fatal(err)
		}
		if p.Hops == 0 {
			t.Fatalf("a %v timeout made no hops: the case does not test hops", timeout)
		}
		clean := o.out.Runtime.Timeouts+o.out.Runtime.Errors == 0
		checkCounts(t, p, o, clean)
		if clean {
			return
		}
		if try == 10 {
			t.Fatalf("every run had an overrun (last: %+v): events could not be compared", o.out.Runtime)
		}
	}
}
