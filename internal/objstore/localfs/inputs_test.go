package localfs_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/objstore"
	"github.com/batonrun/baton/internal/objstore/localfs"
)

func TestHeadResolvesRelativeKey(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.WriteFile("rel.csv", []byte("x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := newStore(t, localfs.Options{})
	ref, err := s.Head(context.Background(), "", "./sub/../rel.csv", "")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := filepath.Abs("rel.csv")
	if ref.Key != want || ref.SizeBytes != 2 {
		t.Errorf("Head = %+v, want key %s size 2", ref, want)
	}
}

func TestRejectsBadInput(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	if err := os.WriteFile(path, []byte("abc"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := newStore(t, localfs.Options{})
	for _, c := range [][3]string{{"bucket", path, ""}, {"", path, "v1"}, {"", dir, ""}} {
		_, err := s.Head(ctx, c[0], c[1], c[2])
		if err == nil || errors.Is(err, objstore.ErrNotFound) {
			t.Errorf("Head(%q, %q, %q) error = %v, want a usage error", c[0], c[1], c[2], err)
		}
	}
	ref, err := s.Head(ctx, "", path, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []events.ObjectRef{
		{Bucket: "b", Key: ref.Key, ETag: ref.ETag, SizeBytes: 3},
		{Key: "f", ETag: ref.ETag, SizeBytes: 3},
		{Key: ref.Key, ETag: ref.ETag, VersionID: "v", SizeBytes: 3},
	} {
		if _, err := s.ReadRange(ctx, bad, 0, 1); err == nil || errors.Is(err, objstore.ErrObjectChanged) {
			t.Errorf("ReadRange(%+v) error = %v, want a usage error", bad, err)
		}
	}
	if _, err := localfs.New(localfs.Options{FingerprintCacheDir: "relative/dir"}); err == nil {
		t.Error("relative FingerprintCacheDir accepted")
	}
}

func TestETagIsBLAKE3OfContent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, []byte("abc"), 0o644); err != nil {
		t.Fatal(err)
	}
	ref, err := newStore(t, localfs.Options{}).Head(context.Background(), "", path, "")
	// Reference: BLAKE3("abc"), 256 bits, as b3sum prints it (the BLAKE3
	// reference implementation's example).
	want := "blake3:6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85"
	if err != nil || ref.ETag != want {
		t.Errorf("ETag = %s, %v; want %s", ref.ETag, err, want)
	}
}

// TestLegacySHA256PinStillReads: a job pinned to the SHA-256 ETag an older
// Baton gave the file (one to redrive) reads it while its content is the
// same, and is told it changed once it is not.
func TestLegacySHA256PinStillReads(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	content := []byte("abc\ndef\n")
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	s := newStore(t, localfs.Options{})
	sum := sha256.Sum256(content) // the independent reference: crypto/sha256 itself
	pin := events.ObjectRef{Key: path, ETag: "sha256:" + hex.EncodeToString(sum[:]), SizeBytes: int64(len(content))}
	for range 2 { // the second read is answered from memory
		got, err := s.ReadRange(context.Background(), pin, 4, 4)
		if err != nil || string(got) != "def\n" {
			t.Fatalf("read = %q, %v; want \"def\\n\"", got, err)
		}
	}
	if err := os.WriteFile(path, []byte("abc\nxyz\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReadRange(context.Background(), pin, 4, 4); !errors.Is(err, objstore.ErrObjectChanged) {
		t.Fatalf("after a same-size rewrite: %v, want object changed", err)
	}
}
