// Package cache is the warm-container range cache: a decorator over an
// object store reader that keeps recently read byte ranges in memory,
// bounded by their total size in bytes and evicted least recently used.
//
// Entries are keyed by (bucket, key, ETag, VersionID, offset, length), so
// bytes of one object version are never served for another (DESIGN.md
// invariant 3). A hit does not consult the underlying store: the pinned
// version's bytes are immutable, so they stay correct even after the object
// is replaced; only a miss can report objstore.ErrObjectChanged.
package cache

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/golang-lru/v2/simplelru"

	"github.com/batonrun/baton/events"
)

// DefaultMaxBytes bounds the cache when Options.MaxBytes is 0: 64 MiB.
const DefaultMaxBytes int64 = 64 << 20

// Reader is what the cache wraps: an object store's Head and ranged read.
type Reader interface {
	Head(ctx context.Context, bucket, key, versionID string) (events.ObjectRef, error)
	ReadRange(ctx context.Context, obj events.ObjectRef, offsetBytes, lengthBytes int64) ([]byte, error)
}

// Options configure New. The zero value is valid.
type Options struct {
	// MaxBytes bounds the total length of the cached ranges, in bytes; 0
	// means DefaultMaxBytes. A range longer than MaxBytes is never cached.
	MaxBytes int64
}

// Validate reports every problem with o, joined.
func (o Options) Validate() error {
	var errs []error
	if o.MaxBytes < 0 {
		errs = append(errs, fmt.Errorf("cache: MaxBytes %d is negative", o.MaxBytes))
	}
	return errors.Join(errs...)
}

type rangeKey struct {
	bucket, key, etag, versionID string
	offset, length               int64
}

// Cache is a byte-bounded LRU of ranges read through it. Safe for
// concurrent use. Concurrent misses of one range may each read it from the
// underlying store; one copy is kept.
//
// Slices returned by ReadRange and ReadRangeHit are shared with the cache
// and with other callers: callers must not modify them.
type Cache struct {
	next     Reader
	maxBytes int64

	mu    sync.Mutex
	lru   *simplelru.LRU[rangeKey, []byte]
	bytes int64 // total length of cached values; mu held

	hits, misses atomic.Int64
}

// New wraps next. Errors: invalid Options.
func New(next Reader, o Options) (*Cache, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	c := &Cache{next: next, maxBytes: o.MaxBytes}
	if c.maxBytes == 0 {
		c.maxBytes = DefaultMaxBytes
	}
	lru, err := simplelru.NewLRU(math.MaxInt, func(_ rangeKey, v []byte) { c.bytes -= int64(len(v)) })
	if err != nil {
		return nil, fmt.Errorf("cache: %w", err)
	}
	c.lru = lru
	return c, nil
}

// Head passes through to the wrapped store; it is never cached, so it
// always reports the object's current version.
func (c *Cache) Head(ctx context.Context, bucket, key, versionID string) (events.ObjectRef, error) {
	return c.next.Head(ctx, bucket, key, versionID)
}

// ReadRange is ReadRangeHit without the hit flag.
func (c *Cache) ReadRange(ctx context.Context, obj events.ObjectRef, offsetBytes, lengthBytes int64) ([]byte, error) {
	b, _, err := c.ReadRangeHit(ctx, obj, offsetBytes, lengthBytes)
	return b, err
}

// ReadRangeHit returns bytes [offsetBytes, offsetBytes+lengthBytes) of the
// pinned version obj, from the cache if this exact range of this version was
// read before (hit = true), else from the wrapped store. Errors come from
// the wrapped store and are never cached. The returned slice must not be
// modified.
func (c *Cache) ReadRangeHit(ctx context.Context, obj events.ObjectRef, offsetBytes, lengthBytes int64) ([]byte, bool, error) {
	k := rangeKey{obj.Bucket, obj.Key, obj.ETag, obj.VersionID, offsetBytes, lengthBytes}
	c.mu.Lock()
	b, ok := c.lru.Get(k)
	c.mu.Unlock()
	if ok {
		c.hits.Add(1)
		return b, true, nil
	}
	c.misses.Add(1)
	b, err := c.next.ReadRange(ctx, obj, offsetBytes, lengthBytes)
	if err != nil {
		return nil, false, err
	}
	c.add(k, b)
	return b, false, nil
}

func (c *Cache) add(k rangeKey, b []byte) {
	size := int64(len(b))
	if size > c.maxBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lru.Contains(k) {
		return // a concurrent miss filled it
	}
	c.lru.Add(k, b)
	c.bytes += size
	for c.bytes > c.maxBytes {
		c.lru.RemoveOldest()
	}
}

// Stats returns how many reads were served from the cache and how many went
// to the wrapped store, since New.
func (c *Cache) Stats() (hits, misses int64) { return c.hits.Load(), c.misses.Load() }

// SizeBytes returns the total length of the cached ranges, in bytes.
func (c *Cache) SizeBytes() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bytes
}
