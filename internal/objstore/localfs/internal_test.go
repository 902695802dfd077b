package localfs

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/batonrun/baton/internal/objstore"
)

// laterStore returns a store whose clock runs an hour ahead, so that
// fingerprints of files written just now are past the racy window and the
// memo is trusted, as it is for files not touched in the last seconds.
func laterStore(t testing.TB, dir string) *Store {
	t.Helper()
	s, err := New(Options{FingerprintCacheDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	s.memo.now = func() time.Time { return time.Now().Add(time.Hour) }
	return s
}

func write(t testing.TB, path string, data []byte, mtime time.Time) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
}

func TestTrustedMemoSkipsRehash(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "a.csv")
	write(t, path, []byte("a,b\n1,2\n3,4\n"), time.Unix(1_700_000_000, 0))
	s := laterStore(t, "")
	ref, err := s.Head(ctx, "", path, "")
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		if b, err := s.ReadRange(ctx, ref, 4, 4); err != nil || string(b) != "1,2\n" {
			t.Fatalf("ReadRange = %q, %v", b, err)
		}
	}
	if n := s.memo.hashes.Load(); n != 1 {
		t.Errorf("hashed %d times, want 1 (Head only)", n)
	}
	// Same size, different bytes, different mtime: signature changes.
	write(t, path, []byte("a,b\n1,2\n3,5\n"), time.Unix(1_700_000_001, 0))
	_, err = s.ReadRange(ctx, ref, 4, 4)
	var ce *objstore.ChangedError
	if !errors.As(err, &ce) || ce.NowETag == "" || ce.NowETag == ref.ETag {
		t.Fatalf("after rewrite: error = %v, want ChangedError naming the new ETag", err)
	}
	// Replaced by rename with identical content: new inode, same ETag.
	tmp := path + ".tmp"
	write(t, tmp, []byte("a,b\n1,2\n3,4\n"), time.Unix(1_700_000_002, 0))
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	if b, err := s.ReadRange(ctx, ref, 8, 100); err != nil || string(b) != "3,4\n" {
		t.Errorf("identical content after rename: ReadRange = %q, %v", b, err)
	}
}

func TestRacyFingerprintIsReverified(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "a.bin")
	if err := os.WriteFile(path, []byte("0123456789"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, _ := New(Options{})
	ref, err := s.Head(ctx, "", path, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReadRange(ctx, ref, 0, 3); err != nil {
		t.Fatal(err)
	}
	if n := s.memo.hashes.Load(); n != 2 {
		t.Errorf("hashed %d times, want 2: a file changed just now must be re-verified", n)
	}
}

func TestSidecarSurvivesProcess(t *testing.T) {
	ctx := context.Background()
	dir, cacheDir := t.TempDir(), t.TempDir()
	path := filepath.Join(dir, "big.bin")
	write(t, path, []byte("some content"), time.Unix(1_700_000_000, 0))
	first := laterStore(t, cacheDir)
	ref, err := first.Head(ctx, "", path, "")
	if err != nil {
		t.Fatal(err)
	}
	second := laterStore(t, cacheDir)
	if b, err := second.ReadRange(ctx, ref, 5, 7); err != nil || string(b) != "content" {
		t.Fatalf("ReadRange via sidecar = %q, %v", b, err)
	}
	if n := second.memo.hashes.Load(); n != 0 {
		t.Errorf("second store hashed %d times, want 0 (sidecar hit)", n)
	}
	write(t, path, []byte("other conten"), time.Unix(1_700_000_005, 0))
	third := laterStore(t, cacheDir)
	if _, err := third.ReadRange(ctx, ref, 0, 3); !errors.Is(err, objstore.ErrObjectChanged) {
		t.Errorf("stale sidecar: error = %v, want ErrObjectChanged", err)
	}
}

// TestSidecarIgnoresOtherHashes: a fingerprint an older Baton stored with
// another hash is a miss, so one file never has two ETags.
func TestSidecarIgnoresOtherHashes(t *testing.T) {
	sc := sidecar{dir: t.TempDir()}
	e := memoEntry{Path: "/data/a.csv", FP: "sha256:ba7816bf"}
	sc.save(e)
	if _, ok := sc.load(e.Path); ok {
		t.Fatal("a sha256 fingerprint was loaded")
	}
	e.FP = FingerprintPrefix + "6437b3ac"
	sc.save(e)
	if got, ok := sc.load(e.Path); !ok || got.FP != e.FP {
		t.Fatalf("load = %+v, %v; want the saved entry", got, ok)
	}
}
