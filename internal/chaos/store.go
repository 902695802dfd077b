package chaos

import (
	"context"
	"fmt"
	"os"
	"sync"

	"github.com/batonrun/baton/events"
)

// StorePort is the object store as the handlers use it.
type StorePort interface {
	Head(ctx context.Context, bucket, key, versionID string) (events.ObjectRef, error)
	ReadRange(ctx context.Context, obj events.ObjectRef, offsetBytes, lengthBytes int64) ([]byte, error)
}

// Replacer overwrites the object obj names with data, through the store's
// own means (memory.Store.Put, rewriting a local file, an S3 PUT).
type Replacer func(ctx context.Context, obj events.ObjectRef, data []byte) error

// RewriteFile is a Replacer for local files (obj.Key is the path). Only
// for test files: it overwrites the file.
func RewriteFile(_ context.Context, obj events.ObjectRef, data []byte) error {
	return os.WriteFile(obj.Key, data, 0o644)
}

// Store wraps an object store with injected faults. Safe for concurrent
// use when the wrapped store is.
type Store struct {
	next    StorePort
	in      *Injector
	replace Replacer
	once    sync.Once
}

// Store wraps s: Head and ReadRange may fail (StoreError); a ReadRange may
// crash the invocation before or after reading (Crash); with replace set
// and Plan.Replace on, the object is replaced once, by replace, just
// before the read that follows Plan.ReplaceAfterReads reads.
func (in *Injector) Store(s StorePort, replace Replacer) *Store {
	return &Store{next: s, in: in, replace: replace}
}

// Head implements the store port.
func (s *Store) Head(ctx context.Context, bucket, key, versionID string) (events.ObjectRef, error) {
	if s.in.hit(s.in.plan.StoreError) {
		s.in.st.storeErrors.Add(1)
		return events.ObjectRef{}, s.in.transient("store Head")
	}
	return s.next.Head(ctx, bucket, key, versionID)
}

// ReadRange implements the store port.
func (s *Store) ReadRange(ctx context.Context, obj events.ObjectRef, offsetBytes, lengthBytes int64) ([]byte, error) {
	if err := s.maybeReplace(ctx, obj); err != nil {
		return nil, err
	}
	if s.in.hit(s.in.plan.Crash) {
		s.in.st.crashes.Add(1)
		return nil, crash("store ReadRange", "before reading")
	}
	if s.in.hit(s.in.plan.StoreError) {
		s.in.st.storeErrors.Add(1)
		return nil, s.in.transient("store ReadRange")
	}
	b, err := s.next.ReadRange(ctx, obj, offsetBytes, lengthBytes)
	if err == nil && s.in.hit(s.in.plan.Crash) {
		s.in.st.crashes.Add(1)
		return nil, crash("store ReadRange", "after reading")
	}
	return b, err
}

func (s *Store) maybeReplace(ctx context.Context, obj events.ObjectRef) error {
	if s.replace == nil || s.in.plan.Replace == ReplaceNone || s.in.reads.Add(1) <= int64(s.in.plan.ReplaceAfterReads) {
		return nil
	}
	var err error
	s.once.Do(func() { err = s.replaceNow(ctx, obj) })
	return err
}

// replaceNow reads the pinned version and writes the replacement.
func (s *Store) replaceNow(ctx context.Context, obj events.ObjectRef) error {
	data, err := s.next.ReadRange(ctx, obj, 0, obj.SizeBytes)
	if err != nil {
		return fmt.Errorf("chaos: reading %s to replace it: %w", obj.Key, err)
	}
	next := Replacement(s.in.plan.Replace, data, s.in.intN(max(1, len(data))))
	if next == nil {
		return nil
	}
	if err := s.replace(ctx, obj, next); err != nil {
		return fmt.Errorf("chaos: replacing %s: %w", obj.Key, err)
	}
	s.in.st.replaced.Add(1)
	return nil
}

// Replacement is data replaced as mode says: its first half (shorter), or
// a copy with byte at flipped (same size, different bytes). nil means no
// replacement is possible (an empty object).
func Replacement(mode Replace, data []byte, at int) []byte {
	if len(data) == 0 || mode == ReplaceNone {
		return nil
	}
	if mode == ReplaceShorter {
		return append([]byte(nil), data[:len(data)/2]...)
	}
	out := append([]byte(nil), data...)
	out[at%len(out)] ^= 0x01
	return out
}
