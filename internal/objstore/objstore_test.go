package objstore_test

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/batonrun/baton/internal/objstore"
)

// parseHTTPRange is an independent reader of the header: it returns the
// half-open range a server would serve.
func parseHTTPRange(t *testing.T, h string) (off, length int64) {
	t.Helper()
	spec, ok := strings.CutPrefix(h, "bytes=")
	a, b, ok2 := strings.Cut(spec, "-")
	first, err1 := strconv.ParseInt(a, 10, 64)
	last, err2 := strconv.ParseInt(b, 10, 64)
	if !ok || !ok2 || err1 != nil || err2 != nil || last < first {
		t.Fatalf("bad header %q", h)
	}
	return first, last - first + 1
}

func TestHTTPRangeRoundTrip(t *testing.T) {
	cases := [][2]int64{{0, 1}, {0, 16 << 20}, {5, 10}, {1 << 40, 3}, {math.MaxInt64 - 1, 2}, {math.MaxInt64, 1}}
	for _, c := range cases {
		h := objstore.HTTPRange(c[0], c[1])
		off, n := parseHTTPRange(t, h)
		if off != c[0] || n != c[1] {
			t.Errorf("HTTPRange(%d, %d) = %q, which reads [%d, +%d)", c[0], c[1], h, off, n)
		}
	}
	if got := objstore.HTTPRange(100, 50); got != "bytes=100-149" {
		t.Errorf("HTTPRange(100, 50) = %q, want bytes=100-149", got)
	}
}

func TestHTTPRangePanicsOnInvalid(t *testing.T) {
	for _, c := range [][2]int64{{0, 0}, {-1, 5}, {3, -1}, {math.MaxInt64, 2}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("HTTPRange(%d, %d) did not panic", c[0], c[1])
				}
			}()
			_ = objstore.HTTPRange(c[0], c[1])
		}()
	}
}

func TestClip(t *testing.T) {
	for size := int64(0); size <= 6; size++ {
		for off := int64(-1); off <= size+1; off++ {
			for length := int64(-1); length <= 8; length++ {
				got, err := objstore.Clip(size, off, length)
				// Reference: count positions inside both the range and the object.
				var want int64
				for p := off; p < off+length; p++ {
					if p >= 0 && p < size {
						want++
					}
				}
				bad := off < 0 || length < 0 || off > size
				if bad != errors.Is(err, objstore.ErrInvalidRange) || (!bad && got != want) {
					t.Errorf("Clip(%d, %d, %d) = %d, %v; want %d, invalid=%v", size, off, length, got, err, want, bad)
				}
			}
		}
	}
}

func TestChangedError(t *testing.T) {
	err := fmt.Errorf("reading range 3: %w", &objstore.ChangedError{Key: "/data/a.csv", WasETag: "sha256:aa", NowETag: "sha256:bb"})
	if !errors.Is(err, objstore.ErrObjectChanged) || errors.Is(err, objstore.ErrNotFound) {
		t.Errorf("errors.Is wrong for %v", err)
	}
	if want := "object changed during job: /data/a.csv etag was sha256:aa, now sha256:bb"; !strings.HasSuffix(err.Error(), want) {
		t.Errorf("message %q, want suffix %q", err, want)
	}
	gone := &objstore.ChangedError{Bucket: "b", Key: "k", WasETag: "x", Err: objstore.ErrNotFound}
	if !errors.Is(gone, objstore.ErrObjectChanged) || !errors.Is(gone, objstore.ErrNotFound) {
		t.Errorf("gone object: errors.Is wrong for %v", gone)
	}
}
