package s3store_test

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"testing"

	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/batonrun/baton/internal/objstore"
	"github.com/batonrun/baton/internal/objstore/s3store"
)

func randomBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func TestAwkwardKeysRoundTripMoto(t *testing.T) {
	c := motoClient(t)
	for _, versioned := range []bool{false, true} {
		bucket := newBucket(t, c, versioned)
		s := newStore(t, c, s3store.Options{})
		for i, key := range []string{"dir/a b+c%20ü😀.csv", "a+b", "100%", "sp ace/ tail ", "?x=1&y#z", "~!*'();:@=$,[]"} {
			data := randomBytes(uint64(i), 3000+i)
			putObject(t, c, bucket, key, data)
			ref, err := s.Head(context.Background(), bucket, key, "")
			if err != nil {
				t.Fatalf("head %q: %v", key, err)
			}
			if ref.Key != key || ref.SizeBytes != int64(len(data)) || (ref.VersionID != "") != versioned {
				t.Fatalf("head %q = %+v; want size %d, a version only if versioned (%v)", key, ref, len(data), versioned)
			}
			got, err := s.ReadRange(context.Background(), ref, 1000, 1500)
			if err != nil || !bytes.Equal(got, data[1000:2500]) {
				t.Fatalf("read %q: %d bytes, %v; want data[1000:2500]", key, len(got), err)
			}
		}
	}
}

// TestReplacedMidReadMoto reads an object batch by batch, as a range worker
// does, and replaces it after the first batch: every byte served is the
// first version's, and the read fails with ErrObjectChanged within the
// read-ahead's one batch, because moto answers If-Match with 412.
func TestReplacedMidReadMoto(t *testing.T) {
	c := motoClient(t)
	bucket := newBucket(t, c, false)
	const batch = 4096
	v1, v2 := randomBytes(10, 10*batch), randomBytes(11, 10*batch)
	for _, o := range []s3store.Options{{}, {DisableReadAhead: true}} {
		s := newStore(t, c, o)
		putObject(t, c, bucket, "mid.csv", v1)
		ref, err := s.Head(context.Background(), bucket, "mid.csv", "")
		if err != nil {
			t.Fatal(err)
		}
		var off int64
		var readErr error
		for ; off < ref.SizeBytes; off += batch {
			b, err := s.ReadRange(context.Background(), ref, off, batch)
			if err != nil {
				readErr = err
				break
			}
			if !bytes.Equal(b, v1[off:off+batch]) {
				t.Fatalf("batch at %d is not the pinned version's bytes", off)
			}
			if off == 0 {
				putObject(t, c, bucket, "mid.csv", v2)
			}
		}
		if !errors.Is(readErr, objstore.ErrObjectChanged) || errors.Is(readErr, objstore.ErrNotFound) {
			t.Fatalf("read after replace (%+v): error %v, want ErrObjectChanged", o, readErr)
		}
		if limit := int64(2 * batch); off > limit {
			t.Errorf("read-ahead served up to byte %d of the old version, want the error by byte %d", off, limit)
		}
		var re *smithyhttp.ResponseError
		if !errors.As(readErr, &re) || re.HTTPStatusCode() != 412 {
			t.Errorf("error %v: want the server's 412 in the chain (If-Match honoured)", readErr)
		}
		now, err := s.Head(context.Background(), bucket, "mid.csv", "")
		var ce *objstore.ChangedError
		if err != nil || !errors.As(readErr, &ce) || ce.NowETag != now.ETag || ce.WasETag != ref.ETag || ce.Key != "mid.csv" {
			t.Errorf("ChangedError %+v; want was %s now %s (head err %v)", ce, ref.ETag, now.ETag, err)
		}
	}
}

func TestPinnedVersionSurvivesReplaceMoto(t *testing.T) {
	c := motoClient(t)
	bucket := newBucket(t, c, true)
	s := newStore(t, c, s3store.Options{})
	v1 := randomBytes(12, 9000)
	putObject(t, c, bucket, "v.bin", v1)
	ref, err := s.Head(context.Background(), bucket, "v.bin", "")
	if err != nil || ref.VersionID == "" {
		t.Fatalf("head = %+v, %v; want a version id", ref, err)
	}
	putObject(t, c, bucket, "v.bin", randomBytes(13, 5000))
	for off := int64(0); off < ref.SizeBytes; off += 2000 {
		got, err := s.ReadRange(context.Background(), ref, off, 2000)
		if want := v1[off:min(off+2000, 9000)]; err != nil || !bytes.Equal(got, want) {
			t.Fatalf("read pinned version at %d: %v", off, err)
		}
	}
}

func TestMissingAndBlobsMoto(t *testing.T) {
	c := motoClient(t)
	bucket := newBucket(t, c, false)
	ctx := context.Background()
	s := newStore(t, c, s3store.Options{PayloadBucket: bucket})
	if _, err := s.Head(ctx, bucket+"-nope", "k", ""); !errors.Is(err, objstore.ErrNotFound) {
		t.Errorf("head in a missing bucket: %v, want ErrNotFound", err)
	}
	if _, err := s.GetBlob(ctx, "claims/none"); !errors.Is(err, objstore.ErrNotFound) {
		t.Errorf("missing blob: %v, want ErrNotFound", err)
	}
	for i, data := range [][]byte{randomBytes(14, 300<<10), {}, []byte("x")} {
		key := "claims/ü " + string(rune('a'+i))
		if err := s.PutBlob(ctx, key, data); err != nil {
			t.Fatal(err)
		}
		got, err := s.GetBlob(ctx, key)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("blob %q: %d bytes, %v; want %d bytes", key, len(got), err, len(data))
		}
	}
	plain := newStore(t, c, s3store.Options{})
	if err := plain.PutBlob(ctx, "k", nil); !errors.Is(err, s3store.ErrNoPayloadBucket) {
		t.Errorf("PutBlob without a payload bucket: %v", err)
	}
}
