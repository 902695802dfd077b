package localfs_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/batonrun/baton/internal/objstore/localfs"
	"github.com/batonrun/baton/internal/objstore/objstoretest"
)

func newStore(t *testing.T, o localfs.Options) *localfs.Store {
	t.Helper()
	s, err := localfs.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// putIn writes files in dir; a replace rewrites the file in place (same
// inode, truncate and write), the hardest case for stat signatures.
func putIn(t *testing.T, dir string) objstoretest.Put {
	return func(name string, data []byte) (string, string) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return "", p
	}
}

func TestConformance(t *testing.T) {
	objstoretest.Run(t, objstoretest.Features{}, func(t *testing.T) (objstoretest.Store, objstoretest.Put) {
		return newStore(t, localfs.Options{}), putIn(t, t.TempDir())
	})
}

func TestConformanceWithSidecar(t *testing.T) {
	objstoretest.Run(t, objstoretest.Features{}, func(t *testing.T) (objstoretest.Store, objstoretest.Put) {
		return newStore(t, localfs.Options{FingerprintCacheDir: t.TempDir()}), putIn(t, t.TempDir())
	})
}
