package localfs

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zeebo/blake3"
)

// FingerprintPrefix starts every ETag this store issues: the ETag is the
// BLAKE3 hash (256 bits) of the whole file, "blake3:<64 hex digits>".
// BLAKE3 (github.com/zeebo/blake3, SIMD) hashes about twice as fast as
// SHA-256 here (2.7 against 1.3 GB/s on the development machine), which is
// what a first run on a new file waits for before its first range starts.
const FingerprintPrefix = "blake3:"

// errUnstable reports that the file changed while it was being hashed.
var errUnstable = errors.New("file changed while being fingerprinted")

// memoEntry remembers the fingerprint of a file as it was at Sig.
type memoEntry struct {
	Path       string    `json:"path"`
	Sig        signature `json:"sig"`
	FP         string    `json:"fp"`
	HashedAtNs int64     `json:"hashedAtNs"` // wall clock when hashing started
}

// trusted reports whether FP may be reused for a file whose signature is
// now sig: the signature is unchanged and the hash was taken clearly after
// the file's last change (see racyWindow).
func (e memoEntry) trusted(sig signature) bool {
	return e.Sig == sig && sig.changedNs()+int64(racyWindow) < e.HashedAtNs
}

type flightKey struct {
	path string
	sig  signature
}

type flight struct {
	done chan struct{}
	fp   string
	err  error
}

// memo maps path -> fingerprint at a signature, deduplicating concurrent
// hashing of the same file state. Safe for concurrent use.
type memo struct {
	sidecar sidecar
	now     func() time.Time

	hashes atomic.Int64 // files hashed, for tests and benchmarks

	mu       sync.Mutex
	entries  map[string]memoEntry
	inFlight map[flightKey]*flight

	legacyMu sync.Mutex           // held while a legacy fingerprint is looked up or taken
	legacy   map[string]memoEntry // SHA-256 fingerprints, for jobs pinned to one
}

func newMemo(sc sidecar, now func() time.Time) *memo {
	return &memo{sidecar: sc, now: now, entries: map[string]memoEntry{}, inFlight: map[flightKey]*flight{},
		legacy: map[string]memoEntry{}}
}

// fingerprint returns the fingerprint of f (opened from path) whose fstat
// signature is sig, from the memo when trusted, else by hashing f. Errors:
// errUnstable if f's signature changed during hashing; read errors.
func (m *memo) fingerprint(f *os.File, path string, sig signature) (string, error) {
	m.mu.Lock()
	e, ok := m.entries[path]
	m.mu.Unlock()
	if !ok {
		e, ok = m.sidecar.load(path)
	}
	if ok && e.trusted(sig) {
		m.remember(e, false)
		return e.FP, nil
	}
	return m.hashOnce(f, path, sig)
}

func (m *memo) remember(e memoEntry, persist bool) {
	m.mu.Lock()
	m.entries[e.Path] = e
	m.mu.Unlock()
	if persist {
		m.sidecar.save(e)
	}
}

// hashOnce hashes f unless another goroutine is already hashing the same
// path at the same signature, in which case it waits for that result.
func (m *memo) hashOnce(f *os.File, path string, sig signature) (string, error) {
	k := flightKey{path, sig}
	m.mu.Lock()
	if fl, ok := m.inFlight[k]; ok {
		m.mu.Unlock()
		<-fl.done
		return fl.fp, fl.err
	}
	fl := &flight{done: make(chan struct{})}
	m.inFlight[k] = fl
	m.mu.Unlock()

	start := m.now()
	m.hashes.Add(1)
	fl.fp, fl.err = hashFile(f, sig)
	if fl.err == nil {
		m.remember(memoEntry{Path: path, Sig: sig, FP: fl.fp, HashedAtNs: start.UnixNano()}, true)
	}
	m.mu.Lock()
	delete(m.inFlight, k)
	m.mu.Unlock()
	close(fl.done)
	return fl.fp, fl.err
}

// hashFile returns the fingerprint of the first sig.Size bytes of f, read
// with pread, and checks that f's signature is still sig afterwards.
func hashFile(f *os.File, sig signature) (string, error) {
	return hashFileWith(f, sig, blake3.New(), FingerprintPrefix)
}

func hashFileWith(f *os.File, sig signature, h hash.Hash, prefix string) (string, error) {
	n, err := io.Copy(h, io.NewSectionReader(f, 0, sig.Size))
	if err != nil {
		return "", fmt.Errorf("fingerprinting %s at byte %d: %w", f.Name(), n, err)
	}
	after, err := statFile(f)
	if err != nil {
		return "", fmt.Errorf("fingerprinting %s: %w", f.Name(), err)
	}
	if n != sig.Size || after != sig {
		return "", errUnstable
	}
	return prefix + hex.EncodeToString(h.Sum(nil)), nil
}

// legacyPrefix starts the ETags Baton gave local files before BLAKE3: a
// job started then (say, one to redrive) is still pinned to one.
const legacyPrefix = "sha256:"

// fingerprintAs is fingerprint in the hash of pinned, the ETag a job was
// pinned to: a legacy "sha256:" pin is checked against the file's SHA-256,
// taken once per file state (in memory only) and trusted as fingerprint
// trusts its entries.
func (m *memo) fingerprintAs(f *os.File, path string, sig signature, pinned string) (string, error) {
	if !strings.HasPrefix(pinned, legacyPrefix) {
		return m.fingerprint(f, path, sig)
	}
	m.legacyMu.Lock()
	defer m.legacyMu.Unlock()
	if e, ok := m.legacy[path]; ok && e.trusted(sig) {
		return e.FP, nil
	}
	start := m.now()
	fp, err := hashFileWith(f, sig, sha256.New(), legacyPrefix)
	if err == nil {
		m.legacy[path] = memoEntry{Path: path, Sig: sig, FP: fp, HashedAtNs: start.UnixNano()}
	}
	return fp, err
}
