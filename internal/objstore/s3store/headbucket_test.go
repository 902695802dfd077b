package s3store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/batonrun/baton/internal/objstore"
	"github.com/batonrun/baton/internal/objstore/s3store"
)

// A HeadObject 404 has no body, so the store asks HeadBucket which of
// bucket and key is missing, and says so; both wrap ErrNotFound.
func TestHeadNamesAMissingBucket(t *testing.T) {
	f := newFake()
	f.put("present", "k.csv", []byte("a\n"), "")
	s, err := s3store.New(f, s3store.Options{DisableReadAhead: true})
	if err != nil {
		t.Fatal(err)
	}
	_, errBucket := s.Head(context.Background(), "absent", "k.csv", "")
	_, errKey := s.Head(context.Background(), "present", "nope.csv", "")
	if !errors.Is(errBucket, objstore.ErrNotFound) || !strings.Contains(errBucket.Error(), `bucket "absent" does not exist`) {
		t.Errorf("missing bucket: %v", errBucket)
	}
	if !errors.Is(errKey, objstore.ErrNotFound) || strings.Contains(errKey.Error(), "bucket") {
		t.Errorf("missing key: %v", errKey)
	}
}
