package worker_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/gentest"
	"github.com/batonrun/baton/internal/worker"
)

// countingStore counts the worker's reads of the store.
type countingStore struct {
	next  worker.ObjectReader
	reads atomic.Int64
}

func (c *countingStore) ReadRange(ctx context.Context, obj events.ObjectRef, off, n int64) ([]byte, error) {
	c.reads.Add(1)
	return c.next.ReadRange(ctx, obj, off, n)
}

// TestParallelBatchesReadTheStoreOnce: spans take their bytes from what
// the invocation's reader already read, so a parallel run issues no more
// store reads than the sequential one (each would be a GET on S3).
func TestParallelBatchesReadTheStoreOnce(t *testing.T) {
	data := gentest.Render("csv", genRows(21, 3000, gentest.Keys()))
	reads := map[int]int64{}
	var kept int64
	for _, par := range []int{1, 4} {
		h := newHarness(t, data, 0, 0)
		h.timeout, h.par = time.Hour, par
		cs := &countingStore{next: h.store}
		h.cache = cs
		req := parRequest("reads", "csv", gentest.Query("csv"), 1<<30, 8<<10, events.Limits{})
		if end := h.end(req); end.DetailType != events.TypeJobSucceeded {
			t.Fatalf("parallelism %d: job ended with %s %s", par, end.DetailType, end.Detail)
		}
		reads[par] = cs.reads.Load()
		if par > 1 {
			kept, _ = worker.ParallelBatches(h.worker)
		}
	}
	if kept == 0 {
		t.Fatal("no parallel batch was kept")
	}
	if reads[4] > reads[1] {
		t.Fatalf("parallelism 4 read the store %d times, sequential %d", reads[4], reads[1])
	}
	t.Logf("store reads: sequential %d, parallel %d (%d parallel batches)", reads[1], reads[4], kept)
}
