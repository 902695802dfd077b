package redrive_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/batonrun/baton/aggregate/fanin"
	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/failure"
	"github.com/batonrun/baton/internal/joblog"
	ledgermem "github.com/batonrun/baton/internal/ledger/memory"
	objmem "github.com/batonrun/baton/internal/objstore/memory"
	"github.com/batonrun/baton/internal/redrive"
	"github.com/batonrun/baton/internal/splitter"
	"github.com/batonrun/baton/internal/wiring/wiringtest"
	"github.com/batonrun/baton/internal/worker"
)

type failReadsKey struct{}

// flakyStore fails every read made under a context marked failReadsKey
// with a permanent error: the test marks the invocations of the ranges
// that must fail in attempt 0 only, so the retry succeeds.
type flakyStore struct{ worker.ObjectReader }

func (s flakyStore) ReadRange(ctx context.Context, obj events.ObjectRef, off, n int64) ([]byte, error) {
	if ctx.Value(failReadsKey{}) != nil {
		return nil, fmt.Errorf("reading [%d, %d): injected: %w", off, off+n, failure.ErrPermanent)
	}
	return s.ObjectReader.ReadRange(ctx, obj, off, n)
}

// pump delivers the bus's events until it is empty: range events to the
// worker, FanInRequested to the aggregator; each event twice when dup is
// set. A range that failing names gets a short deadline for its
// RangeAssigned (so it commits generation 0 and hands on) and fails the
// reads of its continuations: its early generations' partial results are
// in the log and must not count.
func pump(t *testing.T, bus *wiringtest.Recorder, clk *wiringtest.SlowClock, w *worker.Worker, agg *fanin.Aggregator, dup bool, failing func(attempt, rangeIndex int) bool) {
	t.Helper()
	ctx := context.Background()
	for evs := bus.Take(""); len(evs) > 0; evs = bus.Take("") {
		for _, e := range evs {
			for range map[bool]int{false: 1, true: 2}[dup] {
				c, err := ctx, error(nil)
				switch e.DetailType {
				case events.TypeRangeAssigned:
					var ra events.RangeAssigned
					if err := events.Decode(e, &ra); err != nil {
						t.Fatal(err)
					}
					if failing(ra.Attempt, ra.Range.Index) {
						var cancel context.CancelFunc
						c, cancel = context.WithDeadline(ctx, clk.Now().Add(30*time.Minute)) // a batch takes an hour on clk
						defer cancel()
					}
					err = w.Handle(c, e)
				case events.TypeRangeContinued:
					var rc events.RangeContinued
					if err := events.Decode(e, &rc); err != nil {
						t.Fatal(err)
					}
					if failing(rc.Attempt, rc.Range.Index) {
						c = context.WithValue(ctx, failReadsKey{}, true)
					}
					err = w.Handle(c, e)
				case events.TypeFanInRequested:
					err = agg.Handle(c, e)
				}
				if err != nil {
					t.Fatalf("%s: %v", e.DetailType, err)
				}
			}
		}
	}
}

// A job whose ranges 1 and 3 fail (tolerance 2) ends partial; redrive
// --failed retries only those in attempt 1, whose result equals the
// reference over the whole file with each record counted once, however
// often its events are delivered; a second --failed finds nothing to do.
func TestRedriveFailedRetriesOnlyFailedRangesExactlyOnce(t *testing.T) {
	ctx := context.Background()
	var b strings.Builder
	for i := 0; b.Len() < 63<<10; i++ {
		fmt.Fprintf(&b, "line %d\n", i)
	}
	wantLines := strings.Count(b.String(), "\n")
	mem := objmem.New(objmem.Options{})
	obj := mem.Put("", "in.txt", []byte(b.String()))
	l, bus := ledgermem.New(), &wiringtest.Recorder{}
	limits := events.Limits{RangeSizeBytes: 16 << 10, BatchSizeBytes: 4 << 10, ToleratedFailureCount: 2}
	const jobID = "retry-failed"
	env, _ := events.Encode("r", time.Now(), events.JobRequested{SchemaVersion: events.SchemaVersion, JobID: jobID, Object: obj,
		Query: "SELECT count(*) FROM s3object", Format: events.Format{Kind: "lines"}, Limits: limits})
	if err := splitter.New(mem, l, bus, splitter.Options{}).Handle(ctx, env); err != nil {
		t.Fatal(err)
	}
	clk := wiringtest.NewSlowClock(time.Now(), time.Hour)
	w, _ := worker.New(flakyStore{mem}, l, bus, worker.Options{Now: clk.Now, Progress: clk})
	agg := fanin.New(l, bus, fanin.Options{})
	pump(t, bus, clk, w, agg, false, func(a, i int) bool { return a == 0 && (i == 1 || i == 3) })

	var first events.JobSucceeded
	if e, err := l.Get(ctx, jobID, joblog.KeyTerminal); err != nil || joblog.Decode(e, &first) != nil {
		t.Fatalf("attempt 0 terminal: %v %s", err, e.Detail)
	}
	for _, i := range []int{1, 3} {
		if _, err := l.Get(ctx, jobID, joblog.CkptKey(i, 0)); err != nil {
			t.Fatalf("range %d committed no generation before failing: %v", i, err)
		}
	}
	var failedIdx []int
	for _, f := range first.FailedRanges {
		failedIdx = append(failedIdx, f.RangeIndex)
	}
	if !first.Partial || !slices.Equal(failedIdx, []int{1, 3}) {
		t.Fatalf("attempt 0: partial %v failed %v, want partial with ranges [1 3]", first.Partial, failedIdx)
	}

	rep, err := redrive.Failed(ctx, l, bus, jobID, redrive.Options{})
	if err != nil || rep.Attempt != 1 || !slices.Equal(rep.Retried, []int{1, 3}) || !slices.Equal(rep.Assigned, []int{1, 3}) {
		t.Fatalf("redrive --failed: %+v (%v), want attempt 1 retrying and assigning [1 3]", rep, err)
	}
	pump(t, bus, clk, w, agg, true, func(int, int) bool { return false })

	var got events.JobSucceeded
	if e, err := l.Get(ctx, jobID, joblog.Keys{Attempt: 1}.Terminal()); err != nil || joblog.Decode(e, &got) != nil {
		t.Fatalf("attempt 1 terminal: %v %s", err, e.Detail)
	}
	if got.Partial || len(got.FailedRanges) != 0 || got.Result.Rows[0][0] != fmt.Sprint(wantLines) || got.Stats.Records != int64(wantLines) {
		t.Fatalf("attempt 1: partial %v failed %v rows %v records %d, want whole count %d", got.Partial, got.FailedRanges, got.Result.Rows, got.Stats.Records, wantLines)
	}
	entries, err := l.List(ctx, jobID, "")
	if err != nil {
		t.Fatal(err)
	}
	st, err := joblog.Fold(jobID, entries)
	if err != nil || st.State != joblog.StateSucceeded || st.Attempt != 1 || st.Succeeded.Partial || st.RangesDone != 4 || st.RangesFailed != 0 {
		t.Fatalf("status %+v (%v), want attempt 1 succeeded whole with 4 ranges done", st, err)
	}

	// Duplicates of every retry event, delivered again after the end, change nothing.
	rep2, err := redrive.Failed(ctx, l, bus, jobID, redrive.Options{})
	if !errors.Is(err, redrive.ErrNothingToRetry) || len(bus.Take("")) != 0 || rep2.Published() != 0 {
		t.Fatalf("second redrive --failed: %+v, %v; want ErrNothingToRetry and nothing published", rep2, err)
	}
	after, _ := l.List(ctx, jobID, "")
	if len(after) != len(entries) {
		t.Fatalf("the log grew from %d to %d entries after the job ended", len(entries), len(after))
	}
}

// --failed on a job without a partial result says there is nothing to
// retry, and on an unknown job that it never started.
func TestRedriveFailedWithoutPartialResult(t *testing.T) {
	ctx := context.Background()
	l, bus := ledgermem.New(), &wiringtest.Recorder{}
	if _, err := redrive.Failed(ctx, l, bus, "nope", redrive.Options{}); !errors.Is(err, redrive.ErrNotStarted) {
		t.Fatalf("unknown job: %v, want ErrNotStarted", err)
	}
	mem := objmem.New(objmem.Options{})
	obj := mem.Put("", "in.txt", []byte("a\nb\nc\n"))
	env, _ := events.Encode("r", time.Now(), events.JobRequested{SchemaVersion: events.SchemaVersion, JobID: "whole", Object: obj,
		Query: "SELECT count(*) FROM s3object", Format: events.Format{Kind: "lines"}})
	if err := splitter.New(mem, l, bus, splitter.Options{}).Handle(ctx, env); err != nil {
		t.Fatal(err)
	}
	if _, err := redrive.Failed(ctx, l, bus, "whole", redrive.Options{}); !errors.Is(err, redrive.ErrNothingToRetry) || !strings.Contains(err.Error(), "still running") {
		t.Fatalf("running job: %v, want ErrNothingToRetry (still running)", err)
	}
	clk := wiringtest.NewSlowClock(time.Now(), time.Hour)
	w, _ := worker.New(mem, l, bus, worker.Options{Now: clk.Now, Progress: clk})
	pump(t, bus, clk, w, fanin.New(l, bus, fanin.Options{}), false, func(int, int) bool { return false })
	if _, err := redrive.Failed(ctx, l, bus, "whole", redrive.Options{}); !errors.Is(err, redrive.ErrNothingToRetry) || !strings.Contains(err.Error(), "whole") {
		t.Fatalf("whole job: %v, want ErrNothingToRetry (whole)", err)
	}
}
