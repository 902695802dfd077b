package chaos_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonrun/baton/aggregate/fanin"
	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/joblog"
	ledgermem "github.com/batonrun/baton/internal/ledger/memory"
	objmem "github.com/batonrun/baton/internal/objstore/memory"
	"github.com/batonrun/baton/internal/splitter"
	"github.com/batonrun/baton/internal/wiring/wiringtest"
	"github.com/batonrun/baton/internal/worker"
)

// gate blocks every read until it is opened: the "killed" attempt, frozen
// past its deadline while its retry and the retry's successor run.
type gate struct {
	*objmem.Store
	entered chan struct{} // closed at the first read: the attempt is past its checks
	once    sync.Once
	open    chan struct{}
}

func (g *gate) ReadRange(ctx context.Context, obj events.ObjectRef, off, n int64) ([]byte, error) {
	g.once.Do(func() { close(g.entered) })
	<-g.open
	return g.Store.ReadRange(ctx, obj, off, n)
}

// A killed attempt's late writes are fenced: the attempt of generation 0
// freezes past its deadline, its retry commits generation 0 and hands on,
// generation 1 finishes the range; when the frozen attempt wakes and tries
// to commit generation 0 (claiming the whole range), the conditional write
// refuses it, it publishes nothing, and the result counts every record
// once.
func TestKilledAttemptsLateCommitIsFenced(t *testing.T) {
	ctx := context.Background()
	const rows = 4000
	var b strings.Builder
	for i := range rows {
		fmt.Fprintf(&b, "row %d\n", i)
	}
	store := objmem.New(objmem.Options{})
	obj := store.Put("", "in.txt", []byte(b.String()))
	l, q := ledgermem.New(), &wiringtest.Recorder{}
	req := events.JobRequested{SchemaVersion: events.SchemaVersion, JobID: "fence", Object: obj, Query: "SELECT count(*) FROM s3object",
		Format: events.Format{Kind: "lines"}, Limits: events.Limits{BatchSizeBytes: 2 << 10}}
	env, _ := events.Encode("r", time.Now(), req)
	if err := splitter.New(store, l, q, splitter.Options{}).Handle(ctx, env); err != nil {
		t.Fatal(err)
	}
	assigned := q.Take(events.TypeRangeAssigned)
	if len(assigned) != 1 {
		t.Fatalf("%d ranges, want 1", len(assigned))
	}
	// The zombie: frozen before its first read.
	frozen := &gate{Store: store, entered: make(chan struct{}), open: make(chan struct{})}
	zombie, _ := worker.New(frozen, l, q, worker.Options{})
	zombieDone := make(chan error, 1)
	go func() { zombieDone <- zombie.Handle(ctx, assigned[0]) }()
	<-frozen.entered // it has checked the log and is reading when it freezes
	// The retry: one slow batch, then it hands on at its deadline.
	c := wiringtest.NewSlowClock(time.Now().Add(time.Hour), time.Hour)
	retry, _ := worker.New(store, l, q, worker.Options{Now: c.Now, Progress: c})
	dctx, cancel := context.WithDeadline(ctx, c.Now().Add(90*time.Minute))
	if err := retry.Handle(dctx, assigned[0]); err != nil {
		t.Fatal(err)
	}
	cancel()
	next := q.Take(events.TypeRangeContinued)
	if len(next) != 1 {
		t.Fatalf("%d continuations, want 1", len(next))
	}
	successor, _ := worker.New(store, l, q, worker.Options{})
	if err := successor.Handle(ctx, next[0]); err != nil {
		t.Fatal(err)
	}
	// The zombie wakes and reads the whole range.
	close(frozen.open)
	if err := <-zombieDone; err != nil {
		t.Fatal(err)
	}
	if late := q.Take(events.TypeRangeContinued); len(late) != 0 {
		t.Fatalf("the fenced attempt published %d continuations", len(late))
	}
	if n, _ := l.Count(ctx, "fence", joblog.PrefixCkpt); n != 2 {
		t.Fatalf("%d checkpoints, want 2 (generation 0 by the retry, 1 by its successor)", n)
	}
	fanIns := q.Take(events.TypeFanInRequested)
	if len(fanIns) == 0 {
		t.Fatal("no fan-in requested")
	}
	if err := fanin.New(l, q, fanin.Options{}).Handle(ctx, fanIns[0]); err != nil {
		t.Fatal(err)
	}
	var js events.JobSucceeded
	for _, e := range q.Take(events.TypeJobSucceeded) {
		if err := events.Decode(e, &js); err != nil {
			t.Fatal(err)
		}
	}
	if len(js.Result.Rows) != 1 || js.Result.Rows[0][0] != fmt.Sprint(rows) {
		t.Fatalf("result %v, want %d", js.Result.Rows, rows)
	}
}
