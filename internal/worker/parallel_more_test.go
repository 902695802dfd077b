package worker_test

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/gentest"
	ledgermem "github.com/batonrun/baton/internal/ledger/memory"
	objmem "github.com/batonrun/baton/internal/objstore/memory"
	"github.com/batonrun/baton/internal/worker"
)

// stallingReader makes the first read at or past each of stallAt take
// stall of fake time, so the clock jumps while the spans of a parallel
// batch read.
type stallingReader struct {
	next    worker.ObjectReader
	clock   *fakeClock
	stall   time.Duration
	mu      sync.Mutex
	stallAt []int64
}

func (r *stallingReader) ReadRange(ctx context.Context, obj events.ObjectRef, off, n int64) ([]byte, error) {
	r.mu.Lock()
	if len(r.stallAt) > 0 && off >= r.stallAt[0] {
		r.stallAt = r.stallAt[1:]
		r.clock.Advance(r.stall)
	}
	r.mu.Unlock()
	return r.next.ReadRange(ctx, obj, off, n)
}

// When time runs short inside a span, the parallel batch is discarded and
// run sequentially, which stops at the deadline check: the job hops and its
// result is still the reference.
func TestParallelDeadlineInsideSpanFallsBack(t *testing.T) {
	rows := genRows(3, 400, gentest.Keys())
	h := newHarness(t, gentest.Render("csv", rows), 0, 0)
	h.cache = &stallingReader{next: h.store, clock: h.clock, stall: 6 * time.Second,
		stallAt: []int64{10 << 10, 20 << 10, 30 << 10, 40 << 10, 50 << 10}}
	h.timeout, h.par = 6*time.Second, 4
	h.tel = &telemetry{logger: slog.New(slog.DiscardHandler)}
	q := parQueries("csv")[0]
	res := h.run(parRequest("tick", "csv", q.sql, 1<<20, 512, events.Limits{MaxHops: 10000}))
	var got [][]string
	for _, r := range res.Result.Rows {
		got = append(got, []string{strings.Join(r, ",")})
	}
	if want := q.want(rows); !reflect.DeepEqual(got, want) {
		t.Fatalf("result %q, reference %q", got, want)
	}
	kept, discarded := worker.ParallelBatches(h.worker)
	if res.Stats.Hops == 0 || discarded == 0 || kept == 0 {
		t.Fatalf("hops %d, parallel batches kept %d, discarded %d: want all three", res.Stats.Hops, kept, discarded)
	}
}

func TestNegativeParallelismIsRejected(t *testing.T) {
	_, err := worker.New(objmem.New(objmem.Options{}), ledgermem.New(), &queue{},
		worker.Options{Parallelism: -2, CommitReserve: -time.Second})
	if err == nil || !strings.Contains(err.Error(), "Parallelism -2") || !strings.Contains(err.Error(), "CommitReserve") {
		t.Fatalf("got %v, want both problems", err)
	}
}

// BenchmarkParallelScan runs one 32 MiB CSV range (group by key, 4 MiB
// batches, no deadline) with Parallelism 1 and 2; MB/s is object bytes.
func BenchmarkParallelScan(b *testing.B) {
	rows := genRows(1, 1, gentest.Keys())
	var sb strings.Builder
	sb.WriteString(gentest.Render("csv", nil))
	for i := 0; sb.Len() < 32<<20; i++ {
		rows[0] = gentest.Row{Key: gentest.Keys()[i%5], Val: int64(i % 1000), Pad: i % 40}
		sb.WriteString(strings.TrimPrefix(gentest.Render("csv", rows), "k,v,pad\n"))
	}
	data := sb.String()
	q := gentest.Query("csv")
	base := newHarness(b, data, 0, 0)
	for _, par := range []int{1, 2} {
		b.Run(fmt.Sprint("parallelism", par), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for i := 0; b.Loop(); i++ {
				h := &harness{t: b, clock: base.clock, store: base.store, slow: base.slow, bus: &queue{},
					ledger:  &timedLedger{Ledger: ledgermem.New(), clock: base.clock},
					timeout: time.Hour, par: par, tel: &telemetry{logger: slog.New(slog.DiscardHandler)}}
				h.run(parRequest(fmt.Sprint("bench", i), "csv", q, 1<<30, 4<<20, events.Limits{}))
			}
		})
	}
}

// More distinct groups than MaxGroups fails the job with the same code
// whether the groups meet in one accumulator or in the merge of the spans'.
func TestParallelTooManyGroupsAsSequential(t *testing.T) {
	// Two keys first, so the first (sequential) batch stays within the limit.
	rows := append(genRows(9, 60, gentest.Keys()[:2]), genRows(10, 140, gentest.Keys())...)
	for _, maxGroups := range []int{3, 5} {
		t.Run(fmt.Sprint("max", maxGroups), func(t *testing.T) {
			j := parJob{data: gentest.Render("csv", rows), timeout: time.Hour,
				req: parRequest("groups", "csv", gentest.Query("csv"), 1<<20, 300, events.Limits{MaxGroups: maxGroups})}
			seq, run := runPar(t, j, 1), runPar(t, j, 4)
			if seq.terminal.DetailType != run.terminal.DetailType {
				t.Fatalf("ended with %s, sequential %s", run.terminal.DetailType, seq.terminal.DetailType)
			}
			if maxGroups >= len(gentest.Keys()) {
				sameRun(t, seq, run)
				return
			}
			a := jobFailed(t, seq.terminal, events.CodeTooLarge)
			b := jobFailed(t, run.terminal, events.CodeTooLarge)
			for _, reason := range []string{a.Reason, b.Reason} {
				if !strings.Contains(reason, fmt.Sprintf("limit %d", maxGroups)) {
					t.Fatalf("reason %q does not name the limit", reason)
				}
			}
			t.Logf("sequential: %s; parallel: %s", a.Reason, b.Reason)
			if run.kept == 0 {
				t.Fatal("no parallel batch kept")
			}
		})
	}
}
