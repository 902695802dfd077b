// Package objstoretest is the conformance suite for object store adapters,
// modelled on watermill's pubsub/tests: each adapter (and each decorator
// such as the warm cache) runs Run from its own _test.go, opting out of what
// it lacks through Features.
package objstoretest

import (
	"context"
	"testing"

	"github.com/batonrun/baton/events"
)

// Store is the object store behaviour the suite checks; consumers declare
// the subsets they need.
type Store interface {
	// Head returns the current (or the given) version's size and ETag.
	Head(ctx context.Context, bucket, key, versionID string) (events.ObjectRef, error)
	// ReadRange returns bytes [offsetBytes, offsetBytes+lengthBytes) of the
	// pinned version obj.
	ReadRange(ctx context.Context, obj events.ObjectRef, offsetBytes, lengthBytes int64) ([]byte, error)
}

// Put creates or replaces the object called name with data and returns the
// bucket and key under which Head finds it. Calling it again with the same
// name replaces the object (a new version where the store keeps versions).
type Put func(name string, data []byte) (bucket, key string)

// Features lets an adapter skip what it lacks.
type Features struct {
	// Versioning stores keep replaced versions: a read pinned to a
	// VersionID still returns the old bytes after a replace, and Head with
	// a VersionID returns that version.
	Versioning bool
}

// Run checks an adapter. newStore returns a fresh, empty store and its Put,
// registering its own cleanup.
func Run(t *testing.T, f Features, newStore func(t *testing.T) (Store, Put)) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(*testing.T, Features, Store, Put)
	}{
		{"HeadSizeETag", testHead},
		{"HeadMissing", testHeadMissing},
		{"ReadRanges", testReadRanges},
		{"ZeroLengthObject", testZeroLength},
		{"ReadMissingObject", testReadMissing},
		{"ReplacedSameSize", testReplacedSameSize},
		{"ReplacedShorter", testReplacedShorter},
		{"ReplacedIdentical", testReplacedIdentical},
		{"ConcurrentReads", testConcurrentReads},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, put := newStore(t)
			tc.fn(t, f, s, put)
		})
	}
}
