package s3store

import (
	"container/list"
	"context"
	"sync"

	"github.com/batonrun/baton/events"
)

// aheadKey names the bytes of one pinned version starting at off. The ETag
// and VersionID are part of it, so bytes fetched for one version are never
// served for another.
type aheadKey struct {
	bucket, key, etag, versionID string
	off                          int64
}

func keyOf(obj events.ObjectRef, off int64) aheadKey {
	return aheadKey{obj.Bucket, obj.Key, obj.ETag, obj.VersionID, off}
}

// fetch is one background read; data and err are set before done closes.
type fetch struct {
	done   chan struct{}
	data   []byte
	err    error
	cancel context.CancelFunc
	length int64
	elem   *list.Element // in readAhead.order while held
}

// readAhead holds background reads of the range just after the last one
// served, bounded by budget bytes in total; the oldest is cancelled and
// dropped to make room. Safe for concurrent use.
type readAhead struct {
	budget int64

	mu      sync.Mutex
	used    int64 // total length of held fetches
	entries map[aheadKey]*fetch
	order   *list.List // of aheadKey, oldest first
}

func newReadAhead(budget int64) *readAhead {
	return &readAhead{budget: budget, entries: map[aheadKey]*fetch{}, order: list.New()}
}

type getFunc func(ctx context.Context, obj events.ObjectRef, off, n int64) ([]byte, error)

// start begins reading [off, off+n) of obj in the background with get,
// unless n < 1, n exceeds the budget or that read is already held. The read
// runs under a context that keeps parent's values but not its cancellation.
func (r *readAhead) start(parent context.Context, obj events.ObjectRef, off, n int64, get getFunc) {
	if n < 1 || n > r.budget {
		return
	}
	k := keyOf(obj, off)
	ctx, cancel := context.WithCancel(context.WithoutCancel(parent))
	f := &fetch{done: make(chan struct{}), cancel: cancel, length: n}
	r.mu.Lock()
	if _, ok := r.entries[k]; ok {
		r.mu.Unlock()
		cancel()
		return
	}
	for r.used+n > r.budget {
		r.dropLocked(r.order.Front().Value.(aheadKey)).cancel()
	}
	r.holdLocked(k, f)
	r.mu.Unlock()
	go func() {
		defer cancel()
		f.data, f.err = get(ctx, obj, off, n)
		close(f.done)
	}()
}

// take returns the first bytes of [off, off+n) of obj that a read-ahead
// holds, waiting for it to finish: all n, a prefix, or none (no read-ahead
// there, or it failed; the caller then reads directly and meets any real
// error itself). Bytes held past off+n stay held for the next read. Errors:
// ctx's error only.
func (r *readAhead) take(ctx context.Context, obj events.ObjectRef, off, n int64) ([]byte, error) {
	r.mu.Lock()
	f, ok := r.entries[keyOf(obj, off)]
	if ok {
		r.dropLocked(keyOf(obj, off))
	}
	r.mu.Unlock()
	if !ok {
		return nil, nil
	}
	select {
	case <-f.done:
	case <-ctx.Done():
		f.cancel()
		return nil, ctx.Err()
	}
	if f.err != nil {
		return nil, nil
	}
	if int64(len(f.data)) <= n {
		return f.data, nil
	}
	r.keep(keyOf(obj, off+n), f.data[n:])
	return f.data[:n:n], nil
}

// keep holds already fetched bytes under k, if there is room and nothing
// else is held there.
func (r *readAhead) keep(k aheadKey, data []byte) {
	f := &fetch{done: make(chan struct{}), data: data, cancel: func() {}, length: int64(len(data))}
	close(f.done)
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.entries[k]; ok || r.used+f.length > r.budget {
		return
	}
	r.holdLocked(k, f)
}

// discard cancels and drops every held read-ahead, and waits until their
// requests have ended (so their spans end before the caller flushes).
func (r *readAhead) discard() {
	r.mu.Lock()
	var dropped []*fetch
	for r.order.Len() > 0 {
		f := r.dropLocked(r.order.Front().Value.(aheadKey))
		f.cancel()
		dropped = append(dropped, f)
	}
	r.mu.Unlock()
	for _, f := range dropped {
		<-f.done
	}
}

// held returns how many read-aheads are held and their total length.
func (r *readAhead) held() (int, int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.entries), r.used
}

func (r *readAhead) holdLocked(k aheadKey, f *fetch) {
	f.elem = r.order.PushBack(k)
	r.entries[k] = f
	r.used += f.length
}

func (r *readAhead) dropLocked(k aheadKey) *fetch {
	f := r.entries[k]
	delete(r.entries, k)
	r.order.Remove(f.elem)
	r.used -= f.length
	return f
}
