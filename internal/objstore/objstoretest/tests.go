package objstoretest

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/batonrun/baton/internal/objstore"
)

func testHead(t *testing.T, _ Features, s Store, put Put) {
	data := randomBytes(1, 5000)
	b, k := put("a.csv", data)
	ref := head(t, s, b, k)
	if ref.Bucket != b || ref.Key != k || ref.SizeBytes != int64(len(data)) || ref.ETag == "" {
		t.Errorf("Head = %+v, want bucket %q key %q size %d and an ETag", ref, b, k, len(data))
	}
	if again := head(t, s, b, k); again.ETag != ref.ETag {
		t.Errorf("ETag unstable: %s then %s", ref.ETag, again.ETag)
	}
	b2, k2 := put("copy.csv", append([]byte(nil), data...))
	if c := head(t, s, b2, k2); c.ETag != ref.ETag {
		t.Errorf("identical content: ETag %s, want %s", c.ETag, ref.ETag)
	}
	other := append([]byte(nil), data...)
	other[2500] ^= 1
	b3, k3 := put("other.csv", other)
	if o := head(t, s, b3, k3); o.ETag == ref.ETag {
		t.Errorf("content differing in one bit has the same ETag %s", o.ETag)
	}
}

func testHeadMissing(t *testing.T, _ Features, s Store, put Put) {
	b, k := put("present", []byte("x"))
	if _, err := s.Head(context.Background(), b, k+".missing", ""); !errors.Is(err, objstore.ErrNotFound) {
		t.Errorf("Head of a missing object: error = %v, want ErrNotFound", err)
	}
}

func testReadRanges(t *testing.T, _ Features, s Store, put Put) {
	const size = 10_000
	data := randomBytes(2, size)
	ref := putHead(t, s, put, "r.bin", data)
	for _, r := range [][2]int64{
		{0, 100}, {0, 1}, {4000, 1234}, {9900, 100}, {9999, 1}, {9950, 100},
		{0, size}, {0, size + 1}, {5000, 0}, {size, 0}, {size, 10}, {1, 1 << 40},
	} {
		expectRange(t, s, ref, data, r[0], r[1])
	}
	for _, r := range [][2]int64{{size + 1, 1}, {size + 1, 0}, {-1, 10}, {10, -1}, {1 << 50, 1}} {
		if _, err := s.ReadRange(context.Background(), ref, r[0], r[1]); !errors.Is(err, objstore.ErrInvalidRange) {
			t.Errorf("ReadRange(%d, %d) of %d bytes: error = %v, want ErrInvalidRange", r[0], r[1], size, err)
		}
	}
}

func testZeroLength(t *testing.T, _ Features, s Store, put Put) {
	ref := putHead(t, s, put, "empty", nil)
	if ref.SizeBytes != 0 || ref.ETag == "" {
		t.Fatalf("Head of an empty object = %+v, want size 0 and an ETag", ref)
	}
	expectRange(t, s, ref, nil, 0, 10)
	expectRange(t, s, ref, nil, 0, 0)
	if _, err := s.ReadRange(context.Background(), ref, 1, 1); !errors.Is(err, objstore.ErrInvalidRange) {
		t.Errorf("ReadRange(1, 1) of an empty object: error = %v, want ErrInvalidRange", err)
	}
}

func testReadMissing(t *testing.T, _ Features, s Store, put Put) {
	ref := putHead(t, s, put, "here", []byte("hello"))
	ref.Key += ".gone"
	expectChanged(t, s, ref, 0, 5, true)
}

func testReplacedSameSize(t *testing.T, f Features, s Store, put Put) {
	v1 := randomBytes(3, 4096)
	ref := putHead(t, s, put, "same.bin", v1)
	expectRange(t, s, ref, v1, 0, 10)
	v2 := append([]byte(nil), v1...)
	v2[3000] ^= 0x80
	ref2 := putHead(t, s, put, "same.bin", v2)
	if ref2.ETag == ref.ETag || ref2.SizeBytes != ref.SizeBytes {
		t.Fatalf("after replace: Head = %+v, want same size and a new ETag (was %s)", ref2, ref.ETag)
	}
	if f.Versioning && ref.VersionID != "" {
		expectRange(t, s, ref, v1, 100, 4000)
		pinned, err := s.Head(context.Background(), ref.Bucket, ref.Key, ref.VersionID)
		if err != nil || pinned.ETag != ref.ETag {
			t.Errorf("Head of the pinned version = %+v, %v; want ETag %s", pinned, err, ref.ETag)
		}
		unpinned := ref
		unpinned.VersionID = ""
		expectChanged(t, s, unpinned, 100, 4000, false)
	} else {
		expectChanged(t, s, ref, 100, 4000, false)
	}
	expectRange(t, s, ref2, v2, 100, 4000)
}

func testReplacedShorter(t *testing.T, f Features, s Store, put Put) {
	v1 := randomBytes(4, 4096)
	ref := putHead(t, s, put, "short.bin", v1)
	v2 := v1[:1000]
	ref2 := putHead(t, s, put, "short.bin", v2)
	if ref2.SizeBytes != 1000 {
		t.Fatalf("after replace: size %d, want 1000", ref2.SizeBytes)
	}
	if f.Versioning && ref.VersionID != "" {
		ref.VersionID = ""
	}
	expectChanged(t, s, ref, 0, 100, false)
	expectChanged(t, s, ref, 2000, 100, false)
	expectRange(t, s, ref2, v2, 900, 200)
}

func testReplacedIdentical(t *testing.T, _ Features, s Store, put Put) {
	data := randomBytes(5, 3000)
	b, k := put("ident.bin", data)
	ref := head(t, s, b, k)
	put("ident.bin", append([]byte(nil), data...))
	if now := head(t, s, b, k); now.ETag != ref.ETag {
		t.Errorf("identical rewrite changed the ETag: %s to %s", ref.ETag, now.ETag)
	}
	expectRange(t, s, ref, data, 1000, 500)
}

func testConcurrentReads(t *testing.T, _ Features, s Store, put Put) {
	data := randomBytes(6, 64<<10)
	ref := putHead(t, s, put, "conc.bin", data)
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for g := range 8 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(g), 7))
			for range 50 {
				off := r.Int64N(int64(len(data)) + 1)
				n := r.Int64N(8 << 10)
				got, err := s.ReadRange(context.Background(), ref, off, n)
				want := data[off:min(off+n, int64(len(data)))]
				if err != nil || !bytes.Equal(got, want) {
					errs[g] = errors.Join(err, errors.New("concurrent read returned wrong bytes"))
					return
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}
