package splitter_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/joblog"
	ledgermem "github.com/batonrun/baton/internal/ledger/memory"
	objmem "github.com/batonrun/baton/internal/objstore/memory"
	"github.com/batonrun/baton/internal/splitter"
)

// calls records every Publish call as the list of its detail-types.
type calls struct {
	mu    sync.Mutex
	calls [][]events.Envelope
}

func (c *calls) Publish(_ context.Context, envs ...events.Envelope) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, append([]events.Envelope(nil), envs...))
	return nil
}

func TestRangesCoverTheObjectExactly(t *testing.T) {
	for _, tc := range []struct{ size, rangeSize int64 }{{0, 1024}, {1, 1024}, {1024, 1024}, {1025, 1024}, {10_000_000, 4096}} {
		rs, err := splitter.Ranges(tc.size, tc.rangeSize, 100000)
		if err != nil {
			t.Fatal(err)
		}
		var next int64
		for i, r := range rs {
			if r.Index != i || r.OffsetBytes != next || r.LengthBytes <= 0 || r.LengthBytes > tc.rangeSize {
				t.Fatalf("size %d: range %d is %+v", tc.size, i, r)
			}
			next = r.EndBytes()
		}
		if next != tc.size {
			t.Fatalf("size %d: ranges end at %d", tc.size, next)
		}
	}
}

func TestRangeCap(t *testing.T) {
	if _, err := splitter.Ranges(1<<20, 1024, 10); err == nil || !strings.Contains(err.Error(), "at least 104858 bytes") {
		t.Fatalf("explicit size over the cap: %v", err)
	}
	rs, err := splitter.Ranges(1<<40, 0, 10) // 1 TiB with the default size grows the ranges
	if err != nil || len(rs) != 10 {
		t.Fatalf("%d ranges, %v", len(rs), err)
	}
	if _, err := splitter.Ranges(1<<20, 1023, 10); err == nil || !strings.Contains(err.Error(), "below the minimum of 1 KiB") {
		t.Fatalf("1023 bytes: %v", err)
	}
}

func request(t *testing.T, id string, rangeSize int64) events.Envelope {
	t.Helper()
	env, err := events.Encode(id, time.Now(), events.JobRequested{SchemaVersion: events.SchemaVersion, JobID: "job",
		Object: events.ObjectRef{Key: "k.csv"}, Query: "SELECT count(*) FROM s3object",
		Format: events.Format{Kind: "csv", Header: true}, Limits: events.Limits{RangeSizeBytes: rangeSize}})
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// 25 ranges go out as RangeAssigned in PutEvents calls of at most 10, once
// each; a redelivered request republishes them but starts no second job.
func TestFanOutInBatchesOfTen(t *testing.T) {
	store := objmem.New(objmem.Options{})
	var b strings.Builder
	b.WriteString("a,b\n")
	for b.Len() < 25*1024-10 {
		fmt.Fprintf(&b, "%d,x\n", b.Len())
	}
	store.Put("", "k.csv", []byte(b.String()))
	l, bus := ledgermem.New(), &calls{}
	s := splitter.New(store, l, bus, splitter.Options{})
	if err := s.Handle(context.Background(), request(t, "e1", 1024)); err != nil {
		t.Fatal(err)
	}
	var sizes []int
	seen := map[int]bool{}
	for _, c := range bus.calls {
		sizes = append(sizes, len(c))
		for _, env := range c {
			var ra events.RangeAssigned
			if err := events.Decode(env, &ra); err != nil {
				t.Fatal(err)
			}
			seen[ra.Range.Index] = true
		}
	}
	slices.Sort(sizes) // calls run concurrently, in any order
	if fmt.Sprint(sizes) != "[5 10 10]" || len(seen) != 25 {
		t.Fatalf("publish calls of %v entries covering %d ranges", sizes, len(seen))
	}
	if err := s.Handle(context.Background(), request(t, "e1", 1024)); err != nil {
		t.Fatal(err)
	}
	if n, _ := l.Count(context.Background(), "job", joblog.PrefixPlan); n != 25 {
		t.Fatalf("%d planned ranges after a redelivery, want 25", n)
	}
	if len(bus.calls) != 6 {
		t.Fatalf("%d publish calls, want 3 more for the redelivery", len(bus.calls))
	}
}

func TestMalformedRequestIsRejected(t *testing.T) {
	s := splitter.New(objmem.New(objmem.Options{}), ledgermem.New(), &calls{}, splitter.Options{})
	env := events.Envelope{DetailType: events.TypeJobRequested, Detail: []byte(`{"schemaVersion":1,"query":""}`)}
	if err := s.Handle(context.Background(), env); !errors.Is(err, events.ErrMalformed) {
		t.Fatalf("got %v", err)
	}
}

// barrierBus makes its first Publish wait for a second one to start: a
// fan-out that published one call after another would never get there.
type barrierBus struct {
	calls    calls
	second   chan struct{}
	once     sync.Once
	started  atomic.Int32
	overlaps atomic.Bool
}

func (b *barrierBus) Publish(ctx context.Context, envs ...events.Envelope) error {
	if b.started.Add(1) == 1 {
		select {
		case <-b.second:
			b.overlaps.Store(true)
		case <-time.After(5 * time.Second):
		}
	} else {
		b.once.Do(func() { close(b.second) })
	}
	return b.calls.Publish(ctx, envs...)
}

// The fan-out keeps several PutEvents calls in flight.
func TestFanOutPublishesConcurrently(t *testing.T) {
	store := objmem.New(objmem.Options{})
	var b strings.Builder
	b.WriteString("a,b\n")
	for b.Len() < 40*1024 {
		fmt.Fprintf(&b, "%d,x\n", b.Len())
	}
	store.Put("", "k.csv", []byte(b.String()))
	bus := &barrierBus{second: make(chan struct{})}
	if err := splitter.New(store, ledgermem.New(), bus, splitter.Options{}).Handle(context.Background(), request(t, "e1", 1024)); err != nil {
		t.Fatal(err)
	}
	if !bus.overlaps.Load() {
		t.Fatal("no two PutEvents calls were in flight at once")
	}
	n := 0
	for _, c := range bus.calls.calls {
		n += len(c)
	}
	if want := (b.Len() + 1023) / 1024; n != want {
		t.Fatalf("%d RangeAssigned published, want %d", n, want)
	}
}
