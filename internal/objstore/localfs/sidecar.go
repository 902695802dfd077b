package localfs

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
)

// sidecar persists memo entries as small JSON files in a directory, one per
// source path, so that a later process need not rehash an unchanged large
// file. A zero sidecar (dir "") stores nothing. It is only a cache: an
// unreadable or stale file is a miss, and a failed write is ignored (the
// cost is a rehash, never a wrong fingerprint, since entries are checked
// with memoEntry.trusted like in-memory ones).
type sidecar struct{ dir string }

func (s sidecar) file(path string) string {
	sum := sha256.Sum256([]byte(path))
	return filepath.Join(s.dir, hex.EncodeToString(sum[:16])+".json")
}

func (s sidecar) load(path string) (memoEntry, bool) {
	if s.dir == "" {
		return memoEntry{}, false
	}
	b, err := os.ReadFile(s.file(path))
	if err != nil {
		return memoEntry{}, false
	}
	var e memoEntry
	if json.Unmarshal(b, &e) != nil || e.Path != path || !strings.HasPrefix(e.FP, FingerprintPrefix) {
		return memoEntry{}, false // unreadable, another file's, or another hash's (an older Baton)
	}
	return e, true
}

func (s sidecar) save(e memoEntry) {
	if s.dir == "" {
		return
	}
	b, err := json.Marshal(e)
	if err != nil || os.MkdirAll(s.dir, 0o755) != nil {
		return
	}
	tmp, err := os.CreateTemp(s.dir, ".fp-*.tmp")
	if err != nil {
		return
	}
	_, werr := tmp.Write(b)
	cerr := tmp.Close()
	if werr != nil || cerr != nil || os.Rename(tmp.Name(), s.file(e.Path)) != nil {
		_ = os.Remove(tmp.Name())
	}
}
