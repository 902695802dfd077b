package objstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/batonrun/baton/internal/objstore"
	"github.com/batonrun/baton/internal/objstore/cache"
	"github.com/batonrun/baton/internal/objstore/memory"
)

func TestPinnedReadsThePinnedVersionAndCountsHits(t *testing.T) {
	ctx := context.Background()
	mem := memory.New(memory.Options{})
	ref := mem.Put("", "k", []byte("0123456789"))
	c, err := cache.New(mem, cache.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := &objstore.Pinned{Store: c, Object: ref}
	for range 3 {
		b, err := p.ReadRange(ctx, 2, 3)
		if err != nil || string(b) != "234" {
			t.Fatalf("read %q, %v", b, err)
		}
	}
	if p.Hits != 2 {
		t.Fatalf("hits %d, want 2 (first read misses)", p.Hits)
	}
	mem.Put("", "k", []byte("abcdefghij"))
	direct := &objstore.Pinned{Store: mem, Object: ref}
	if _, err := direct.ReadRange(ctx, 0, 1); !errors.Is(err, objstore.ErrObjectChanged) {
		t.Fatalf("replaced object: got %v", err)
	}
	if direct.Hits != 0 {
		t.Fatalf("a store without a cache counted %d hits", direct.Hits)
	}
}
