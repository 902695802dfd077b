package s3store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/batonrun/baton/events"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/batonrun/baton/internal/objstore"
	"github.com/batonrun/baton/internal/objstore/s3store"
)

var noReadAhead = s3store.Options{DisableReadAhead: true}

// inclusive is the test's own reading of a half-open range as the Range
// header S3 expects: first and last byte, both included.
func inclusive(off, n int64) string { return fmt.Sprintf("bytes=%d-%d", off, off+n-1) }

func TestRequestsAreExact(t *testing.T) {
	for _, version := range []string{"", "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY"} {
		f := newFake()
		data := randomBytes(1, 10_000)
		f.put("bkt", "dir/a b.csv", data, version)
		s := newStore(t, f, noReadAhead)
		ctx := context.Background()
		ref, err := s.Head(ctx, "bkt", "dir/a b.csv", "")
		if err != nil {
			t.Fatal(err)
		}
		if ref.VersionID != version || !strings.HasPrefix(ref.ETag, `"`) || ref.SizeBytes != 10_000 {
			t.Fatalf("head = %+v; want version %q, a quoted ETag, 10000 bytes", ref, version)
		}
		want := []request{{Op: "Head", Bucket: "bkt", Key: "dir/a b.csv"}}
		for _, r := range [][3]int64{{0, 100, 100}, {4000, 1234, 1234}, {9950, 100, 50}, {9999, 1 << 40, 1}, {0, 10_000, 10_000}} {
			got, err := s.ReadRange(ctx, ref, r[0], r[1])
			if err != nil || !bytes.Equal(got, data[r[0]:r[0]+r[2]]) {
				t.Fatalf("ReadRange(%d, %d): %d bytes, %v", r[0], r[1], len(got), err)
			}
			want = append(want, request{Op: "Get", Bucket: "bkt", Key: "dir/a b.csv", VersionID: version,
				Range: inclusive(r[0], r[2]), IfMatch: ref.ETag})
		}
		if d := cmp.Diff(want, f.requests()); d != "" {
			t.Errorf("version %q: requests (-want +got):\n%s", version, d)
		}
	}
}

func TestZeroLengthReadsMakeNoRequest(t *testing.T) {
	f := newFake()
	f.put("b", "empty", nil, "")
	f.put("b", "full", []byte("0123456789"), "")
	s := newStore(t, f, s3store.Options{})
	ctx := context.Background()
	empty, _ := s.Head(ctx, "b", "empty", "")
	full, _ := s.Head(ctx, "b", "full", "")
	for _, c := range []struct {
		ref      objRef
		off, len int64
	}{{empty, 0, 0}, {empty, 0, 100}, {full, 3, 0}, {full, 10, 0}, {full, 10, 5}} {
		got, err := s.ReadRange(ctx, c.ref, c.off, c.len)
		if err != nil || len(got) != 0 {
			t.Errorf("ReadRange(%s, %d, %d) = %q, %v; want no bytes", c.ref.Key, c.off, c.len, got, err)
		}
	}
	if _, err := s.ReadRange(ctx, empty, 1, 1); !errors.Is(err, objstore.ErrInvalidRange) {
		t.Errorf("read past an empty object: %v", err)
	}
	for _, r := range f.requests() {
		if r.Op == "Get" {
			t.Errorf("zero-length read made a request: %+v", r)
		}
	}
}

func TestErrorsTranslated(t *testing.T) {
	ctx := context.Background()
	setup := func(t *testing.T) (*fake, *s3store.Store, objRef) {
		f := newFake()
		f.put("b", "k", randomBytes(2, 1000), "")
		s := newStore(t, f, noReadAhead)
		ref, err := s.Head(ctx, "b", "k", "")
		if err != nil {
			t.Fatal(err)
		}
		return f, s, ref
	}
	t.Run("412Replaced", func(t *testing.T) {
		f, s, ref := setup(t)
		f.put("b", "k", randomBytes(3, 1000), "")
		now, _ := s.Head(ctx, "b", "k", "")
		_, err := s.ReadRange(ctx, ref, 10, 10)
		var ce *objstore.ChangedError
		if !errors.As(err, &ce) || errors.Is(err, objstore.ErrNotFound) || ce.WasETag != ref.ETag || ce.NowETag != now.ETag {
			t.Errorf("412: %v; want ChangedError was %s now %s", err, ref.ETag, now.ETag)
		}
	})
	t.Run("416Shorter", func(t *testing.T) {
		f, s, ref := setup(t)
		f.fail = func(r request) error {
			if r.Op == "Get" {
				return apiError("GetObject", 416, "InvalidRange")
			}
			return nil
		}
		_, err := s.ReadRange(ctx, ref, 900, 50)
		var ce *objstore.ChangedError
		if !errors.As(err, &ce) || errors.Is(err, objstore.ErrNotFound) || ce.Err == nil || !strings.Contains(ce.Err.Error(), "[900, 950)") {
			t.Errorf("416: %v; want ChangedError naming the range", err)
		}
	})
	t.Run("404Gone", func(t *testing.T) {
		_, s, ref := setup(t)
		ref.Key = "gone"
		_, err := s.ReadRange(ctx, ref, 0, 10)
		if !errors.Is(err, objstore.ErrObjectChanged) || !errors.Is(err, objstore.ErrNotFound) {
			t.Errorf("404 on a pinned read: %v; want ErrObjectChanged and ErrNotFound", err)
		}
		if _, err := s.Head(ctx, "b", "gone", ""); !errors.Is(err, objstore.ErrNotFound) || !strings.Contains(err.Error(), "s3://b/gone") {
			t.Errorf("404 on head: %v; want ErrNotFound naming s3://b/gone", err)
		}
	})
	t.Run("403Denied", func(t *testing.T) {
		f, s, ref := setup(t)
		f.fail = func(request) error { return apiError("X", 403, "AccessDenied") }
		_, err := s.ReadRange(ctx, ref, 0, 10)
		_, herr := s.Head(ctx, "b", "k", "")
		for _, e := range []error{err, herr} {
			if !errors.Is(e, s3store.ErrAccessDenied) || errors.Is(e, objstore.ErrObjectChanged) || !strings.Contains(e.Error(), "s3://b/k") {
				t.Errorf("403: %v; want ErrAccessDenied naming s3://b/k", e)
			}
		}
	})
	t.Run("ShortBody", func(t *testing.T) {
		f, s, ref := setup(t)
		f.shortBy = 1
		if _, err := s.ReadRange(ctx, ref, 100, 200); err == nil || !strings.Contains(err.Error(), "short body: 199 of 200") {
			t.Errorf("short body: %v", err)
		}
	})
	t.Run("WrongContentRange", func(t *testing.T) {
		f, s, ref := setup(t)
		f.contentRange = "bytes 0-199/1000"
		if _, err := s.ReadRange(ctx, ref, 100, 200); err == nil || !strings.Contains(err.Error(), "Content-Range") {
			t.Errorf("wrong Content-Range: %v", err)
		}
	})
	t.Run("Throttled", func(t *testing.T) {
		f, s, ref := setup(t)
		f.fail = func(request) error { return apiError("GetObject", 503, "SlowDown") }
		_, err := s.ReadRange(ctx, ref, 0, 10)
		if err == nil || errors.Is(err, objstore.ErrObjectChanged) || errors.Is(err, s3store.ErrAccessDenied) {
			t.Errorf("503 after the SDK's retries: %v; want a plain error", err)
		}
	})
}

func TestOptionsValidate(t *testing.T) {
	err := s3store.Options{ReadAheadBytes: -1, DisableReadAhead: true}.Validate()
	if err == nil || !strings.Contains(err.Error(), "negative") || !strings.Contains(err.Error(), "DisableReadAhead") {
		t.Errorf("Validate = %v; want both problems", err)
	}
	if err := (s3store.Options{}).Validate(); err != nil {
		t.Errorf("zero Options: %v", err)
	}
	if _, err := s3store.New(nil, s3store.Options{ReadAheadBytes: -1}); err == nil || !strings.Contains(err.Error(), "nil S3 client") {
		t.Errorf("New(nil, bad) = %v", err)
	}
}

type objRef = events.ObjectRef
