// Package claimchecktest holds test support for claim checks: an in-memory
// claimcheck.Blobs.
package claimchecktest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/batonrun/baton/internal/objstore"
)

// Memory is an in-memory, bucket-scoped claimcheck.Blobs. The zero value
// is ready to use and it is safe for concurrent use. GetBlob of a missing
// key wraps objstore.ErrNotFound, as the S3 adapter does.
type Memory struct {
	mu    sync.Mutex
	blobs map[string][]byte
	puts  int
}

// PutBlob stores a copy of data under key, replacing any earlier blob.
func (m *Memory) PutBlob(ctx context.Context, key string, data []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.blobs == nil {
		m.blobs = map[string][]byte{}
	}
	m.blobs[key] = slices.Clone(data)
	m.puts++
	return nil
}

// GetBlob returns a copy of the blob under key.
func (m *Memory) GetBlob(ctx context.Context, key string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.blobs[key]
	if !ok {
		return nil, fmt.Errorf("blob %s: %w", key, objstore.ErrNotFound)
	}
	return slices.Clone(b), nil
}

// Keys returns the stored keys, sorted.
func (m *Memory) Keys() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Sorted(maps.Keys(m.blobs))
}

// Puts returns how many PutBlob calls succeeded.
func (m *Memory) Puts() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.puts
}
