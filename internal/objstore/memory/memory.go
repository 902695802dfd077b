// Package memory is an in-memory object store for tests. It records every
// call (Calls) so a test can assert the exact requests made, e.g. the ranges
// a worker asked for. ETags are the hex SHA-256 of the content, so replacing
// an object with different bytes changes its ETag and identical bytes keep
// it.
package memory

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"sync"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/objstore"
)

// Options configure New. The zero value is an unversioned store.
type Options struct {
	// Versioning keeps every version, like an S3 bucket with versioning on:
	// Put assigns VersionIDs "1", "2", ... per key, Head and ReadRange with a
	// VersionID address that version even after a replace.
	Versioning bool
}

// Call is one recorded request.
type Call struct {
	// Op is "Head" or "ReadRange".
	Op                     string
	Bucket, Key, VersionID string
	// ETag is the pinned ETag (ReadRange only).
	ETag string
	// OffsetBytes and LengthBytes are the half-open range asked for
	// (ReadRange only), before clipping.
	OffsetBytes, LengthBytes int64
}

type loc struct{ bucket, key string }

type version struct {
	id   string
	data []byte
	etag string
}

// Store is an in-memory object store. Safe for concurrent use. Returned
// slices alias the stored bytes: callers must not modify them.
type Store struct {
	opts    Options
	mu      sync.Mutex
	objects map[loc][]version // versions oldest first; unversioned keeps one
	calls   []Call
}

// New returns an empty store.
func New(o Options) *Store { return &Store{opts: o, objects: map[loc][]version{}} }

// Put creates or replaces an object with a copy of data and returns its
// ref. Any bucket name, including "", is accepted.
func (s *Store) Put(bucket, key string, data []byte) events.ObjectRef {
	sum := sha256.Sum256(data)
	v := version{data: append([]byte(nil), data...), etag: hex.EncodeToString(sum[:])}
	s.mu.Lock()
	defer s.mu.Unlock()
	l := loc{bucket, key}
	if s.opts.Versioning {
		v.id = strconv.Itoa(len(s.objects[l]) + 1)
		s.objects[l] = append(s.objects[l], v)
	} else {
		s.objects[l] = []version{v}
	}
	return ref(l, v)
}

// Delete removes an object and all its versions.
func (s *Store) Delete(bucket, key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.objects, loc{bucket, key})
}

// Calls returns a copy of the recorded requests in call order.
func (s *Store) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// ResetCalls forgets the recorded requests.
func (s *Store) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
}

// Head returns the object's current version, or the given versionID's.
// Errors: objstore.ErrNotFound (wrapped) if there is no such object or
// version.
func (s *Store) Head(ctx context.Context, bucket, key, versionID string) (events.ObjectRef, error) {
	if err := ctx.Err(); err != nil {
		return events.ObjectRef{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, Call{Op: "Head", Bucket: bucket, Key: key, VersionID: versionID})
	l := loc{bucket, key}
	v, ok := s.find(l, versionID)
	if !ok {
		return events.ObjectRef{}, fmt.Errorf("head %s/%s version %q: %w", bucket, key, versionID, objstore.ErrNotFound)
	}
	return ref(l, v), nil
}

// ReadRange returns bytes [offsetBytes, offsetBytes+lengthBytes) of the
// pinned version: obj.VersionID's when set on a versioning store, else the
// current one. Fewer bytes only at the end of the object. Errors: a
// *objstore.ChangedError (objstore.ErrObjectChanged) if that version's ETag
// is not obj.ETag or it is gone (then also objstore.ErrNotFound);
// objstore.ErrInvalidRange as objstore.Clip decides.
func (s *Store) ReadRange(ctx context.Context, obj events.ObjectRef, offsetBytes, lengthBytes int64) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, Call{Op: "ReadRange", Bucket: obj.Bucket, Key: obj.Key, VersionID: obj.VersionID,
		ETag: obj.ETag, OffsetBytes: offsetBytes, LengthBytes: lengthBytes})
	v, ok := s.find(loc{obj.Bucket, obj.Key}, obj.VersionID)
	if !ok {
		return nil, &objstore.ChangedError{Bucket: obj.Bucket, Key: obj.Key, WasETag: obj.ETag, Err: objstore.ErrNotFound}
	}
	if v.etag != obj.ETag {
		return nil, &objstore.ChangedError{Bucket: obj.Bucket, Key: obj.Key, WasETag: obj.ETag, NowETag: v.etag}
	}
	n, err := objstore.Clip(int64(len(v.data)), offsetBytes, lengthBytes)
	if err != nil {
		return nil, fmt.Errorf("read %s/%s: %w", obj.Bucket, obj.Key, err)
	}
	return v.data[offsetBytes : offsetBytes+n : offsetBytes+n], nil
}

// find returns the version to serve; s.mu must be held.
func (s *Store) find(l loc, versionID string) (version, bool) {
	vs := s.objects[l]
	if len(vs) == 0 {
		return version{}, false
	}
	if versionID == "" || !s.opts.Versioning {
		return vs[len(vs)-1], versionID == "" || versionID == vs[len(vs)-1].id
	}
	for _, v := range vs {
		if v.id == versionID {
			return v, true
		}
	}
	return version{}, false
}

func ref(l loc, v version) events.ObjectRef {
	return events.ObjectRef{Bucket: l.bucket, Key: l.key, ETag: v.etag, VersionID: v.id, SizeBytes: int64(len(v.data))}
}
