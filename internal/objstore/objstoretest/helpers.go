package objstoretest

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/objstore"
)

func randomBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func head(t *testing.T, s Store, bucket, key string) events.ObjectRef {
	t.Helper()
	ref, err := s.Head(context.Background(), bucket, key, "")
	if err != nil {
		t.Fatalf("Head(%q, %q): %v", bucket, key, err)
	}
	return ref
}

func putHead(t *testing.T, s Store, put Put, name string, data []byte) events.ObjectRef {
	t.Helper()
	b, k := put(name, data)
	return head(t, s, b, k)
}

// expectRange reads [off, off+length) and compares it with the reference
// slice of data, clipped at its end.
func expectRange(t *testing.T, s Store, ref events.ObjectRef, data []byte, off, length int64) {
	t.Helper()
	got, err := s.ReadRange(context.Background(), ref, off, length)
	if err != nil {
		t.Fatalf("ReadRange(%d, %d) of %d bytes: %v", off, length, len(data), err)
	}
	end := min(off+length, int64(len(data)))
	if want := data[off:end]; !bytes.Equal(got, want) {
		t.Fatalf("ReadRange(%d, %d) = %d bytes, want %d bytes %s", off, length, len(got), len(want), firstDiff(got, want))
	}
}

func firstDiff(a, b []byte) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return "(differ at byte " + strconv.Itoa(i) + ")"
		}
	}
	return ""
}

func expectChanged(t *testing.T, s Store, ref events.ObjectRef, off, length int64, alsoNotFound bool) {
	t.Helper()
	_, err := s.ReadRange(context.Background(), ref, off, length)
	if !errors.Is(err, objstore.ErrObjectChanged) {
		t.Fatalf("ReadRange(%d, %d) of a changed object: error = %v, want ErrObjectChanged", off, length, err)
	}
	if errors.Is(err, objstore.ErrNotFound) != alsoNotFound {
		t.Errorf("errors.Is(%v, ErrNotFound) = %v, want %v", err, !alsoNotFound, alsoNotFound)
	}
	var ce *objstore.ChangedError
	if !errors.As(err, &ce) || ce.Key != ref.Key || ce.WasETag != ref.ETag {
		t.Errorf("error %v: want *ChangedError naming key %s and etag %s", err, ref.Key, ref.ETag)
	}
}
