package proptest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/chaos"
	"github.com/batonrun/baton/internal/gentest"
	"github.com/batonrun/baton/internal/local"
	"github.com/batonrun/baton/internal/localrt"
	"github.com/batonrun/baton/internal/objstore/memory"
)

// schedules is how many seeded fault schedules the test runs.
const schedules = 300

// perRun bounds one schedule's wall time.
const perRun = 15 * time.Second

// summary collects the longest run for TestMain's final line.
var summary struct {
	mu       sync.Mutex
	runs     int
	longest  time.Duration
	seed     uint64
	injected chaos.Stats
	redrives int
	changed  int // runs that ended object_changed
}

func TestMain(m *testing.M) {
	code := m.Run()
	if summary.runs > 0 {
		fmt.Printf("proptest: %d fault schedules, longest run %v (seed %d); injected %+v; %d redrives; %d ended object_changed\n",
			summary.runs, summary.longest.Round(time.Millisecond), summary.seed, summary.injected, summary.redrives, summary.changed)
	}
	os.Exit(code)
}

// Every seeded fault schedule ends with the exact reference result, or with
// JobFailed object_changed when the schedule replaced the object.
func TestFaultSchedulesExactOrRightReason(t *testing.T) {
	seeds := make([]uint64, schedules)
	for i := range seeds {
		seeds[i] = uint64(i + 1)
	}
	if s := os.Getenv("BATON_CHAOS_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("BATON_CHAOS_SEED=%q: %v", s, err)
		}
		seeds = []uint64{n}
	}
	stateDir := t.TempDir()
	for _, seed := range seeds {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			runSchedule(t, seed, stateDir)
		})
	}
}

// schedule is one seed's input, limits and faults.
type schedule struct {
	in     input
	plan   chaos.Plan
	limits events.Limits
	rt     localrt.Options
}

func newSchedule(seed uint64) schedule {
	r := rand.New(rand.NewPCG(seed, 0xbadc0de))
	s := schedule{in: genInput(r), plan: chaos.FromSeed(seed)}
	s.plan.MaxDelay = time.Duration(1+r.IntN(10)) * time.Millisecond
	if r.IntN(5) == 0 {
		s.plan.Replace = chaos.Replace(1 + r.IntN(2))
		s.plan.ReplaceAfterReads = r.IntN(6)
	}
	s.limits = events.Limits{RangeSizeBytes: int64(1<<10 + r.IntN(64<<10)), BatchSizeBytes: int64(256 + r.IntN(16<<10))}
	// Per-read faults hit every batch: keep them rare enough that a run of
	// thousands of small batches still ends within perRun.
	s.plan.Crash, s.plan.StoreError = min(s.plan.Crash, 0.02), min(s.plan.StoreError, 0.02)
	s.rt = localrt.Options{Timeout: time.Duration([]int{30, 60, 200}[r.IntN(3)]) * time.Millisecond,
		Seed: seed, RetryAttempts: 10, RetryDelay: time.Millisecond, Concurrency: 4}
	return s
}

func runSchedule(t *testing.T, seed uint64, stateDir string) {
	s := newSchedule(seed)
	store := memory.New(memory.Options{})
	store.Put("b", "obj", s.in.data)
	cfg := local.Config{Path: "obj", Bucket: "b", Store: store, StateDir: stateDir, JobID: fmt.Sprintf("chaos-%06d", seed),
		Query: gentest.Query(s.in.format), Format: events.Format{Kind: s.in.format, Header: s.in.format == "csv"},
		Limits: s.limits, Runtime: s.rt, Chaos: &s.plan, Sweep: local.SweepOptions{MaxSweeps: 20},
		ChaosReplace: func(_ context.Context, obj events.ObjectRef, data []byte) error {
			store.Put(obj.Bucket, obj.Key, data)
			return nil
		}}
	ctx, cancel := context.WithTimeout(context.Background(), perRun)
	defer cancel()
	out, err := local.Run(ctx, cfg)
	record(seed, out)
	where := fmt.Sprintf("seed %d (%s, %d bytes, limits %+v, timeout %v, plan %+v, injected %+v, redrives %d): replay with BATON_CHAOS_SEED=%d",
		seed, s.in.format, len(s.in.data), s.limits, s.rt.Timeout, s.plan, out.Chaos, out.Redrives, seed)
	if err != nil {
		t.Fatalf("%s: run: %v", where, err)
	}
	if out.Failed != nil {
		if out.Chaos.Replaced > 0 && out.Failed.Code == events.CodeObjectChanged {
			summary.mu.Lock()
			summary.changed++
			summary.mu.Unlock()
			return
		}
		t.Fatalf("%s: job failed: %s: %s", where, out.Failed.Code, out.Failed.Reason)
	}
	var got []string
	for _, r := range out.Succeeded.Result.Rows {
		got = append(got, strings.Join(r, ","))
	}
	want := s.in.want
	if s.in.format != "lines" && len(want) == 0 {
		want = nil
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("%s: result\n%s\nreference\n%s", where, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func record(seed uint64, out local.Outcome) {
	summary.mu.Lock()
	defer summary.mu.Unlock()
	summary.runs++
	if out.Wall > summary.longest {
		summary.longest, summary.seed = out.Wall, seed
	}
	in, c := &summary.injected, out.Chaos
	in.LedgerErrors += c.LedgerErrors
	in.LostResponses += c.LostResponses
	in.PublishErrors += c.PublishErrors
	in.Dropped += c.Dropped
	in.StoreErrors += c.StoreErrors
	in.Crashes += c.Crashes
	in.Kills += c.Kills
	in.Recycles += c.Recycles
	in.Replaced += c.Replaced
	summary.redrives += out.Redrives
}
