package localfs

import (
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"testing"
	"time"
)

const (
	benchFileBytes  = 128 << 20
	benchChunkBytes = 16 << 20
)

func benchFile(b *testing.B) string {
	b.Helper()
	data := make([]byte, benchFileBytes)
	_, _ = rand.Read(data)
	path := filepath.Join(b.TempDir(), "bench.bin")
	write(b, path, data, time.Unix(1_700_000_000, 0))
	return path
}

// BenchmarkReadRange16MiB reads 16 MiB chunks of a 128 MiB file through a
// trusted memo (the steady state of a worker): pread plus two fstats.
func BenchmarkReadRange16MiB(b *testing.B) {
	path := benchFile(b)
	s := laterStore(b, "")
	ctx := context.Background()
	ref, err := s.Head(ctx, "", path, "")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(benchChunkBytes)
	for i := 0; b.Loop(); i++ {
		off := int64(i%(benchFileBytes/benchChunkBytes)) * benchChunkBytes
		if _, err := s.ReadRange(ctx, ref, off, benchChunkBytes); err != nil {
			b.Fatal(err)
		}
	}
	if n := s.memo.hashes.Load(); n != 1 {
		b.Fatalf("hashed %d times during reads, want 1", n)
	}
}

// BenchmarkFingerprint hashes a whole 128 MiB file (what Head costs the
// first time and what a changed signature costs).
func BenchmarkFingerprint(b *testing.B) {
	path := benchFile(b)
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	sig, err := statFile(f)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(benchFileBytes)
	for b.Loop() {
		if _, err := hashFile(f, sig); err != nil {
			b.Fatal(err)
		}
	}
}
