package s3store_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/batonrun/baton/internal/objstore"
	"github.com/batonrun/baton/internal/objstore/s3store"
)

// gets returns the Range headers of the recorded GetObject calls.
func gets(f *fake) []string {
	var rs []string
	for _, r := range f.requests() {
		if r.Op == "Get" {
			rs = append(rs, r.Range+" "+r.IfMatch)
		}
	}
	return rs
}

// TestReadAheadSequential reads an object batch by batch, as the range
// worker does: each read's successor is requested before it is asked for,
// no range is requested twice, and the bytes equal a read without
// read-ahead.
func TestReadAheadSequential(t *testing.T) {
	const size, batch = 10_000, 3000
	data := randomBytes(4, size)
	f := newFake()
	f.put("b", "k", data, "")
	s := newStore(t, f, s3store.Options{})
	ctx := context.Background()
	ref, _ := s.Head(ctx, "b", "k", "")
	var want []string
	for off := int64(0); off < size; off += batch {
		n := min(batch, size-off)
		got, err := s.ReadRange(ctx, ref, off, batch)
		if err != nil || !bytes.Equal(got, data[off:off+n]) {
			t.Fatalf("read at %d: %d bytes, %v", off, len(got), err)
		}
		if off == 0 {
			want = append(want, inclusive(0, n)+" "+ref.ETag)
			f.waitGets(t, 1)
		}
		if next := off + n; next < size {
			// The successor is requested before this loop asks for it.
			f.waitGets(t, 1)
			want = append(want, inclusive(next, min(n, size-next))+" "+ref.ETag)
			if d := cmp.Diff(want, gets(f)); d != "" {
				t.Fatalf("after reading [%d, %d): GetObject ranges (-want +got):\n%s", off, off+n, d)
			}
		}
	}
	if d := cmp.Diff(want, gets(f)); d != "" {
		t.Errorf("GetObject ranges (-want +got):\n%s", d)
	}
}

// TestReadAheadShorterAndLongerReads serves a read shorter than the
// read-ahead from it and keeps the rest; a longer read takes what the
// read-ahead holds and reads only the remainder.
func TestReadAheadShorterAndLongerReads(t *testing.T) {
	data := randomBytes(5, 1000)
	f := newFake()
	f.put("b", "k", data, "")
	s := newStore(t, f, s3store.Options{})
	ctx := context.Background()
	ref, _ := s.Head(ctx, "b", "k", "")
	read := func(off, n int64) {
		t.Helper()
		got, err := s.ReadRange(ctx, ref, off, n)
		if err != nil || !bytes.Equal(got, data[off:min(off+n, 1000)]) {
			t.Fatalf("read [%d, +%d): %d bytes, %v", off, n, len(got), err)
		}
	}
	read(0, 100) // GET 0-99, read-ahead 100-199
	f.waitGets(t, 2)
	read(100, 40) // from the read-ahead; keeps 140-199; read-ahead of 140-179 is already held
	read(140, 60) // from the kept rest; read-ahead 200-259
	f.waitGets(t, 1)
	read(200, 100) // 200-259 held, GET 260-299; read-ahead 300-399
	f.waitGets(t, 2)
	e := ref.ETag
	want := []string{"bytes=0-99 " + e, "bytes=100-199 " + e, "bytes=200-259 " + e, "bytes=260-299 " + e, "bytes=300-399 " + e}
	if d := cmp.Diff(want, gets(f)); d != "" {
		t.Errorf("GetObject ranges (-want +got):\n%s", d)
	}
}

// TestReadAheadNeverServesAnotherVersion: bytes read ahead for one ETag are
// not served for a ref with another ETag, and a read-ahead that failed
// (412) is retried directly so the caller sees the real error.
func TestReadAheadNeverServesAnotherVersion(t *testing.T) {
	v1, v2 := randomBytes(6, 800), randomBytes(7, 800)
	f := newFake()
	f.put("b", "k", v1, "")
	s := newStore(t, f, s3store.Options{})
	ctx := context.Background()
	ref1, _ := s.Head(ctx, "b", "k", "")
	if _, err := s.ReadRange(ctx, ref1, 0, 200); err != nil {
		t.Fatal(err)
	}
	f.waitGets(t, 2) // 0-199 and the read-ahead 200-399 of v1
	f.put("b", "k", v2, "")
	ref2, _ := s.Head(ctx, "b", "k", "")
	got, err := s.ReadRange(ctx, ref2, 200, 200)
	if err != nil || !bytes.Equal(got, v2[200:400]) {
		t.Fatalf("read of the new version: %v, equal %v", err, bytes.Equal(got, v2[200:400]))
	}
	// The pinned old version's read-ahead holds v1's bytes (fetched under
	// If-Match v1): serving them is serving the pinned version.
	got, err = s.ReadRange(ctx, ref1, 200, 200)
	if err != nil || !bytes.Equal(got, v1[200:400]) {
		t.Fatalf("read of the old version from its read-ahead: %v", err)
	}
	// Its next read-ahead (400-599, If-Match v1) met 412; the read retries and reports the change.
	if _, err := s.ReadRange(ctx, ref1, 400, 200); !errors.Is(err, objstore.ErrObjectChanged) {
		t.Fatalf("read of a replaced version: %v, want ErrObjectChanged", err)
	}
	asked := false
	for _, r := range f.requests() {
		asked = asked || (r.Op == "Get" && r.Range == "bytes=200-399" && r.IfMatch == ref2.ETag)
	}
	if !asked {
		t.Errorf("the new version's read was not a GetObject with If-Match %s: %v", ref2.ETag, gets(f))
	}
}

func TestReadAheadBounded(t *testing.T) {
	data := randomBytes(8, 1000)
	f := newFake()
	f.put("b", "k", data, "")
	s := newStore(t, f, s3store.Options{ReadAheadBytes: 99})
	ctx := context.Background()
	ref, _ := s.Head(ctx, "b", "k", "")
	for off := int64(0); off < 1000; off += 100 {
		if _, err := s.ReadRange(ctx, ref, off, 100); err != nil {
			t.Fatal(err)
		}
	}
	var want []string
	for off := int64(0); off < 1000; off += 100 {
		want = append(want, inclusive(off, 100)+" "+ref.ETag)
	}
	if d := cmp.Diff(want, gets(f)); d != "" {
		t.Errorf("reads longer than the budget must not read ahead (-want +got):\n%s", d)
	}
}
