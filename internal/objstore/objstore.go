// Package objstore holds what every object store adapter shares: the
// sentinel errors callers branch on, the typed "object changed" error, and
// the only byte-range arithmetic (Clip, HTTPRange). Ranges are half-open
// [offset, offset+length) everywhere in Baton; they become inclusive HTTP
// "bytes=a-b" headers only in HTTPRange. Adapters live in sub-packages and
// are checked by the conformance suite in objstoretest.
package objstore

import (
	"errors"
	"fmt"
	"math"
)

var (
	// ErrNotFound reports that no object exists under the bucket and key
	// (or version) asked for.
	ErrNotFound = errors.New("object not found")
	// ErrObjectChanged reports that the object no longer is the version a
	// job pinned (DESIGN.md invariant 3). The concrete error is
	// *ChangedError.
	ErrObjectChanged = errors.New("object changed during job")
	// ErrInvalidRange reports a negative offset or length, or an offset
	// beyond the end of the object.
	ErrInvalidRange = errors.New("invalid byte range")
	// ErrAccessDenied reports that the store refused access to the object
	// (S3's HTTP 403). Retrying does not help.
	ErrAccessDenied = errors.New("access denied")
)

// ChangedError reports that a pinned object was replaced or removed.
// errors.Is(err, ErrObjectChanged) is true; when the object is gone, Err
// wraps ErrNotFound so errors.Is(err, ErrNotFound) is true as well.
type ChangedError struct {
	Bucket, Key string
	// WasETag is the pinned ETag; NowETag the current one ("" if gone).
	WasETag, NowETag string
	// Err is the cause, e.g. an ErrNotFound wrap; may be nil.
	Err error
}

func (e *ChangedError) Error() string {
	name := e.Key
	if e.Bucket != "" {
		name = e.Bucket + "/" + e.Key
	}
	if e.NowETag == "" && e.Err != nil {
		return fmt.Sprintf("object changed during job: %s etag was %s, now: %v", name, e.WasETag, e.Err)
	}
	return fmt.Sprintf("object changed during job: %s etag was %s, now %s", name, e.WasETag, e.NowETag)
}

// Is makes errors.Is(err, ErrObjectChanged) true.
func (e *ChangedError) Is(target error) bool { return target == ErrObjectChanged }

// Unwrap returns the cause.
func (e *ChangedError) Unwrap() error { return e.Err }

// Clip checks a half-open range [offsetBytes, offsetBytes+lengthBytes)
// against an object of sizeBytes and returns how many bytes to read: the
// range clipped at the end of the object. An offset equal to the size gives
// 0 and nil. Errors (wrapping ErrInvalidRange): negative offset or length,
// offset > size.
func Clip(sizeBytes, offsetBytes, lengthBytes int64) (int64, error) {
	switch {
	case offsetBytes < 0 || lengthBytes < 0:
		return 0, fmt.Errorf("range offset %d length %d: %w", offsetBytes, lengthBytes, ErrInvalidRange)
	case offsetBytes > sizeBytes:
		return 0, fmt.Errorf("range offset %d is past the end of a %d-byte object: %w", offsetBytes, sizeBytes, ErrInvalidRange)
	}
	return min(lengthBytes, sizeBytes-offsetBytes), nil
}

// HTTPRange turns the half-open range [offsetBytes, offsetBytes+lengthBytes)
// into the inclusive HTTP Range header value "bytes=a-b" (RFC 9110 §14.1.2),
// b = offsetBytes+lengthBytes-1. A zero-length range has no header form:
// callers serve it without a request. It panics on offsetBytes < 0,
// lengthBytes < 1 or an end past math.MaxInt64; those are programming
// errors, since Clip has already checked every range.
func HTTPRange(offsetBytes, lengthBytes int64) string {
	if offsetBytes < 0 || lengthBytes < 1 || lengthBytes-1 > math.MaxInt64-offsetBytes {
		panic(fmt.Sprintf("objstore.HTTPRange: invalid range offset %d length %d", offsetBytes, lengthBytes))
	}
	return fmt.Sprintf("bytes=%d-%d", offsetBytes, offsetBytes+lengthBytes-1)
}
