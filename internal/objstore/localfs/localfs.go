// Package localfs is the embedded object store: local files, playing the
// part of S3 for every local container at once.
//
// Bucket is always "" and Key is the file's absolute, cleaned path. There
// are no versions. The ETag is a content fingerprint, "blake3:<hex>" of the
// whole file, so identical content has the same ETag whatever its mtime.
// To avoid rehashing, the store memoises path -> (stat signature: size,
// mtime, ctime, inode, device) -> fingerprint, in memory and optionally in a
// sidecar directory; a read re-verifies by hashing only when the signature
// changed or was taken too soon after the file's last change to be trusted.
package localfs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/objstore"
)

// Options configure New. The zero value is valid: fingerprints are memoised
// in memory only.
type Options struct {
	// FingerprintCacheDir, when set, persists fingerprints as small JSON
	// files in this directory (created on demand) so later processes need
	// not rehash unchanged files. Must be an absolute path.
	FingerprintCacheDir string
}

// Validate reports every problem with o, joined.
func (o Options) Validate() error {
	var errs []error
	if o.FingerprintCacheDir != "" && !filepath.IsAbs(o.FingerprintCacheDir) {
		errs = append(errs, fmt.Errorf("localfs: FingerprintCacheDir %q is not absolute", o.FingerprintCacheDir))
	}
	return errors.Join(errs...)
}

// maxAttempts bounds how often a read or head retries a file that changes
// under it before reporting the change.
const maxAttempts = 3

// Store reads local files. Safe for concurrent use; share one Store among
// all local containers so they share the fingerprint memo.
type Store struct {
	memo *memo
}

// New returns a store. Errors: invalid Options.
func New(o Options) (*Store, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return &Store{memo: newMemo(sidecar{dir: o.FingerprintCacheDir}, time.Now)}, nil
}

// Head returns the file's absolute path as Key, its size and its content
// fingerprint as ETag (hashing the file unless a trusted memo has it). A
// relative key is resolved against the working directory. Errors:
// objstore.ErrNotFound (wrapped) if the file does not exist; a plain error
// for a non-empty bucket or versionID, a non-regular file, or a file that
// kept changing while being hashed.
func (s *Store) Head(ctx context.Context, bucket, key, versionID string) (events.ObjectRef, error) {
	if err := ctx.Err(); err != nil {
		return events.ObjectRef{}, err
	}
	if err := checkBucketVersion(bucket, versionID); err != nil {
		return events.ObjectRef{}, fmt.Errorf("head %s: %w", key, err)
	}
	path, err := filepath.Abs(key)
	if err != nil {
		return events.ObjectRef{}, fmt.Errorf("localfs: head %s: %w", key, err)
	}
	f, err := open(path)
	if err != nil {
		return events.ObjectRef{}, fmt.Errorf("localfs: head: %w", err)
	}
	defer f.Close()
	for range maxAttempts {
		sig, err := statFile(f)
		if err != nil {
			return events.ObjectRef{}, fmt.Errorf("localfs: head %s: %w", path, err)
		}
		fp, err := s.memo.fingerprint(f, path, sig)
		if errors.Is(err, errUnstable) {
			continue
		}
		if err != nil {
			return events.ObjectRef{}, fmt.Errorf("localfs: head: %w", err)
		}
		return events.ObjectRef{Key: path, ETag: fp, SizeBytes: sig.Size}, nil
	}
	return events.ObjectRef{}, fmt.Errorf("localfs: head %s: %w", path, errUnstable)
}

// ReadRange returns bytes [offsetBytes, offsetBytes+lengthBytes) of the file
// obj.Key, read with pread, provided the file still has the content obj
// pins: its fstat signature is taken before and after the read and, unless
// the memo trusts it, the file is rehashed and compared with obj.ETag.
// Fewer bytes only at the end of the file. Errors:
// *objstore.ChangedError (errors.Is objstore.ErrObjectChanged) if the file's
// content is not obj.ETag's any more, or it is gone (then also
// objstore.ErrNotFound); objstore.ErrInvalidRange as objstore.Clip decides
// against obj.SizeBytes; a plain error for a non-empty bucket or
// versionID or a relative key.
func (s *Store) ReadRange(ctx context.Context, obj events.ObjectRef, offsetBytes, lengthBytes int64) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := checkRef(obj); err != nil {
		return nil, fmt.Errorf("read %s: %w", obj.Key, err)
	}
	f, err := open(obj.Key)
	if errors.Is(err, objstore.ErrNotFound) {
		return nil, changed(obj, "", err)
	}
	if err != nil {
		return nil, fmt.Errorf("localfs: read: %w", err)
	}
	defer f.Close()
	for range maxAttempts {
		b, err := s.readVerified(f, obj, offsetBytes, lengthBytes)
		if !errors.Is(err, errUnstable) {
			return b, err
		}
	}
	return nil, changed(obj, "", errUnstable)
}

// readVerified makes one attempt; errUnstable means "try again".
func (s *Store) readVerified(f *os.File, obj events.ObjectRef, off, length int64) ([]byte, error) {
	before, err := statFile(f)
	if err != nil {
		return nil, fmt.Errorf("localfs: read %s: %w", obj.Key, err)
	}
	if before.Size != obj.SizeBytes {
		return nil, s.changedTo(f, obj, before)
	}
	n, err := objstore.Clip(obj.SizeBytes, off, length)
	if err != nil {
		return nil, fmt.Errorf("localfs: read %s: %w", obj.Key, err)
	}
	buf := make([]byte, n)
	if _, err := f.ReadAt(buf, off); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("localfs: read %s at byte %d: %w", obj.Key, off, err)
	} else if err != nil {
		return nil, errUnstable // shrank under us
	}
	after, err := statFile(f)
	if err != nil {
		return nil, fmt.Errorf("localfs: read %s: %w", obj.Key, err)
	}
	if after != before {
		return nil, errUnstable
	}
	fp, err := s.memo.fingerprintAs(f, obj.Key, after, obj.ETag)
	if err != nil {
		return nil, err
	}
	if fp != obj.ETag {
		return nil, changed(obj, fp, nil)
	}
	return buf, nil
}

// changedTo builds the ChangedError for a file now at sig, naming its new
// fingerprint when it can be taken.
func (s *Store) changedTo(f *os.File, obj events.ObjectRef, sig signature) error {
	fp, err := s.memo.fingerprint(f, obj.Key, sig)
	if err != nil {
		return changed(obj, "", fmt.Errorf("now %d bytes: %w", sig.Size, err))
	}
	return changed(obj, fp, nil)
}

func changed(obj events.ObjectRef, now string, cause error) error {
	return &objstore.ChangedError{Bucket: obj.Bucket, Key: obj.Key, WasETag: obj.ETag, NowETag: now, Err: cause}
}

// open opens a regular file; a missing one gives an error wrapping
// objstore.ErrNotFound.
func open(path string) (*os.File, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", path, objstore.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = fmt.Errorf("%s is not a regular file (%v)", path, fi.Mode().Type())
	}
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	return f, nil
}

func checkBucketVersion(bucket, versionID string) error {
	var errs []error
	if bucket != "" {
		errs = append(errs, fmt.Errorf("localfs: bucket must be empty, got %q", bucket))
	}
	if versionID != "" {
		errs = append(errs, fmt.Errorf("localfs: files have no versions, got version %q", versionID))
	}
	return errors.Join(errs...)
}

func checkRef(obj events.ObjectRef) error {
	err := checkBucketVersion(obj.Bucket, obj.VersionID)
	if !filepath.IsAbs(obj.Key) || filepath.Clean(obj.Key) != obj.Key {
		err = errors.Join(err, fmt.Errorf("localfs: key %q is not an absolute clean path (take refs from Head)", obj.Key))
	}
	return err
}
