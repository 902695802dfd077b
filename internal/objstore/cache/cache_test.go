package cache_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/batonrun/baton/internal/objstore"
	"github.com/batonrun/baton/internal/objstore/cache"
	"github.com/batonrun/baton/internal/objstore/memory"
	"github.com/batonrun/baton/internal/objstore/objstoretest"
)

func newCache(t *testing.T, next cache.Reader, maxBytes int64) *cache.Cache {
	t.Helper()
	c, err := cache.New(next, cache.Options{MaxBytes: maxBytes})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestConformance(t *testing.T) {
	for _, maxBytes := range []int64{0, 1 << 10} {
		t.Run(fmt.Sprintf("MaxBytes=%d", maxBytes), func(t *testing.T) {
			objstoretest.Run(t, objstoretest.Features{}, func(t *testing.T) (objstoretest.Store, objstoretest.Put) {
				m := memory.New(memory.Options{})
				c := newCache(t, m, maxBytes)
				return c, func(name string, data []byte) (string, string) {
					m.Put("b", name, data)
					return "b", name
				}
			})
		})
	}
}

func TestHitsSkipTheStore(t *testing.T) {
	m := memory.New(memory.Options{})
	ref := m.Put("b", "k", []byte("0123456789"))
	c := newCache(t, m, 0)
	ctx := context.Background()
	reads := [][2]int64{{2, 3}, {2, 3}, {0, 4}, {2, 3}, {0, 4}, {2, 4}}
	wantHit := []bool{false, true, false, true, true, false}
	for i, r := range reads {
		b, hit, err := c.ReadRangeHit(ctx, ref, r[0], r[1])
		if err != nil || hit != wantHit[i] || string(b) != "0123456789"[r[0]:r[0]+r[1]] {
			t.Errorf("read %d %v = %q, hit %v, %v; want hit %v", i, r, b, hit, err, wantHit[i])
		}
	}
	var want []memory.Call
	for i, r := range reads {
		if !wantHit[i] {
			want = append(want, memory.Call{Op: "ReadRange", Bucket: "b", Key: "k", ETag: ref.ETag, OffsetBytes: r[0], LengthBytes: r[1]})
		}
	}
	if d := cmp.Diff(want, m.Calls()); d != "" {
		t.Errorf("store calls (-want +got):\n%s", d)
	}
	if h, ms := c.Stats(); h != 3 || ms != 3 {
		t.Errorf("Stats = %d hits, %d misses; want 3, 3", h, ms)
	}
}

func TestNeverServesAnotherETag(t *testing.T) {
	m := memory.New(memory.Options{})
	v1 := m.Put("b", "k", []byte("aaaaaaaaaa"))
	c := newCache(t, m, 0)
	ctx := context.Background()
	if _, err := c.ReadRange(ctx, v1, 0, 5); err != nil {
		t.Fatal(err)
	}
	v2 := m.Put("b", "k", []byte("bbbbbbbbbb"))
	b, hit, err := c.ReadRangeHit(ctx, v2, 0, 5)
	if err != nil || hit || string(b) != "bbbbb" {
		t.Errorf("read of the new version = %q, hit %v, %v; want bbbbb from the store", b, hit, err)
	}
	// The old version's cached bytes stay correct for a job pinned to it.
	if b, hit, err := c.ReadRangeHit(ctx, v1, 0, 5); err != nil || !hit || string(b) != "aaaaa" {
		t.Errorf("pinned old version = %q, hit %v, %v; want aaaaa from cache", b, hit, err)
	}
	if _, err := c.ReadRange(ctx, v1, 5, 5); !errors.Is(err, objstore.ErrObjectChanged) {
		t.Errorf("uncached range of the old version: error = %v, want ErrObjectChanged", err)
	}
}

func TestByteBoundEvictsLeastRecentlyUsed(t *testing.T) {
	m := memory.New(memory.Options{})
	data := bytes.Repeat([]byte("x"), 1000)
	ref := m.Put("b", "k", data)
	c := newCache(t, m, 250)
	ctx := context.Background()
	read := func(off, n int64) bool {
		t.Helper()
		_, hit, err := c.ReadRangeHit(ctx, ref, off, n)
		if err != nil {
			t.Fatal(err)
		}
		if c.SizeBytes() > 250 {
			t.Fatalf("cache holds %d bytes, bound 250", c.SizeBytes())
		}
		return hit
	}
	read(0, 100)   // [A]
	read(100, 100) // [A B]
	read(0, 100)   // A most recent: [B A]
	read(200, 100) // over 250: evict B -> [A C]
	if got := c.SizeBytes(); got != 200 {
		t.Errorf("SizeBytes = %d, want 200", got)
	}
	if !read(0, 100) || !read(200, 100) {
		t.Error("A and C should still be cached")
	}
	if read(100, 100) {
		t.Error("B should have been evicted")
	}
	if read(0, 300) || read(0, 300) {
		t.Error("a range larger than MaxBytes must not be cached")
	}
}

func TestOptionsValidate(t *testing.T) {
	if err := (cache.Options{}).Validate(); err != nil {
		t.Error(err)
	}
	if _, err := cache.New(memory.New(memory.Options{}), cache.Options{MaxBytes: -1}); err == nil {
		t.Error("negative MaxBytes accepted")
	}
}
