// Package s3store is the S3 object store adapter on AWS SDK v2: Head
// (HeadObject) and ranged reads pinned to one object version (GetObject
// with Range, If-Match and VersionId), with a bounded background
// read-ahead for sequential readers, and blobs for claim checks
// (PutObject/GetObject on a payload bucket).
//
// ETags are kept exactly as S3 returns them, double quotes included
// (`"9b2cf535f27731c974343645a3985328"`), in ObjectRef.ETag, in If-Match
// headers and in ChangedError; when a response's ETag is compared with a
// pinned one, surrounding quotes are ignored on both sides, so a ref built
// from an S3 event notification (unquoted) also works.
//
// VersionIDs are kept as S3 returns them. An unversioned bucket returns
// none, so ObjectRef.VersionID is "" and reads address the current object,
// guarded by If-Match alone. An object written while versioning was off or
// suspended has the version "null"; it is kept as "null" and sent back as
// VersionId=null, which S3 accepts and which addresses that object.
//
// Throttling (503 SlowDown) and transient network errors are retried by
// the SDK's standard retryer configured on the client; callers tune it
// with aws.Config.RetryMaxAttempts or RetryMode. The store adds no retries
// of its own, and errors it returns after the SDK gave up are permanent
// for this call.
package s3store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/objstore"
)

// Store reads S3 objects. Safe for concurrent use; share one Store per
// process so its read-ahead budget is shared.
type Store struct {
	api   API
	ahead *readAhead // nil when read-ahead is off
	blobs *Blobs     // nil without a PayloadBucket
}

// New returns a store calling api (usually an *s3.Client). Errors: a nil
// api, invalid Options.
func New(api API, o Options) (*Store, error) {
	err := o.Validate()
	if api == nil {
		err = errors.Join(err, errors.New("s3store: nil S3 client"))
	}
	if err != nil {
		return nil, err
	}
	s := &Store{api: api}
	if n := o.readAheadBytes(); n > 0 {
		s.ahead = newReadAhead(n)
	}
	if o.PayloadBucket != "" {
		s.blobs = &Blobs{api: api, bucket: o.PayloadBucket}
	}
	return s, nil
}

// Head returns the size in bytes, ETag (quoted, as S3 returns it) and
// VersionId ("" on an unversioned bucket) of the object's current version,
// or of versionID when it is not "". Errors: objstore.ErrNotFound (wrapped)
// for a missing bucket, key or version; ErrAccessDenied (wrapped) for
// HTTP 403; the SDK's error, wrapped, otherwise.
func (s *Store) Head(ctx context.Context, bucket, key, versionID string) (events.ObjectRef, error) {
	in := &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}
	if versionID != "" {
		in.VersionId = aws.String(versionID)
	}
	out, err := s.api.HeadObject(ctx, in)
	if err != nil {
		if f, _ := classify(err); f == notFound {
			if _, berr := s.api.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)}); berr != nil {
				if bf, _ := classify(berr); bf == notFound {
					return events.ObjectRef{}, fmt.Errorf("s3store: head %s: bucket %q does not exist: %w (%w)", location(bucket, key, versionID), bucket, objstore.ErrNotFound, err)
				}
			}
		}
		return events.ObjectRef{}, translate("head", bucket, key, versionID, err)
	}
	if out.ContentLength == nil || out.ETag == nil || *out.ContentLength < 0 {
		return events.ObjectRef{}, fmt.Errorf("s3store: head %s: response lacks Content-Length or ETag", location(bucket, key, versionID))
	}
	return events.ObjectRef{Bucket: bucket, Key: key, ETag: *out.ETag,
		VersionID: aws.ToString(out.VersionId), SizeBytes: *out.ContentLength}, nil
}

// ReadRange returns bytes [offsetBytes, offsetBytes+lengthBytes) of the
// pinned version obj, clipped at obj.SizeBytes: exactly that many bytes,
// never fewer. A zero-length read (including any read of an empty object)
// makes no request. Otherwise it issues one ranged GetObject with
// If-Match: obj.ETag and, when obj.VersionID is set, VersionId, unless a
// read-ahead already holds the bytes; after serving it starts reading the
// next range of the same length in the background (see Options).
//
// Errors: objstore.ErrInvalidRange (wrapped) as objstore.Clip decides;
// *objstore.ChangedError (errors.Is objstore.ErrObjectChanged) when S3
// answers 412 (replaced), 416 (now shorter) or 404 (gone; then also
// errors.Is objstore.ErrNotFound), with NowETag from a follow-up Head when
// that succeeds; ErrAccessDenied (wrapped) for 403; an error naming the
// range for a body shorter than asked or a Content-Range that is not the
// one asked for; ctx's error.
//
// The returned slice is the caller's; it shares no bytes with other
// results.
func (s *Store) ReadRange(ctx context.Context, obj events.ObjectRef, offsetBytes, lengthBytes int64) ([]byte, error) {
	n, err := objstore.Clip(obj.SizeBytes, offsetBytes, lengthBytes)
	if err != nil {
		return nil, fmt.Errorf("s3store: read %s: %w", location(obj.Bucket, obj.Key, obj.VersionID), err)
	}
	if n == 0 {
		return []byte{}, nil
	}
	b, err := s.read(ctx, obj, offsetBytes, n)
	if err != nil {
		return nil, err
	}
	if s.ahead != nil {
		next := offsetBytes + n
		s.ahead.start(ctx, obj, next, min(n, obj.SizeBytes-next), s.get)
	}
	return b, nil
}

// DiscardReadAhead cancels and forgets every read-ahead and waits for their
// requests to end, e.g. at the end of a Lambda invocation, before telemetry
// is flushed and the environment is frozen.
func (s *Store) DiscardReadAhead() {
	if s.ahead != nil {
		s.ahead.discard()
	}
}

// read serves [off, off+n) from a read-ahead as far as it reaches, the rest
// with a GetObject.
func (s *Store) read(ctx context.Context, obj events.ObjectRef, off, n int64) ([]byte, error) {
	var head []byte
	if s.ahead != nil {
		var err error
		if head, err = s.ahead.take(ctx, obj, off, n); err != nil {
			return nil, err
		}
		if int64(len(head)) == n {
			return head, nil
		}
	}
	rest, err := s.get(ctx, obj, off+int64(len(head)), n-int64(len(head)))
	if err != nil || len(head) == 0 {
		return rest, err
	}
	return append(head, rest...), nil
}

// get reads exactly [off, off+n), n > 0, of the pinned version with one
// GetObject.
func (s *Store) get(ctx context.Context, obj events.ObjectRef, off, n int64) ([]byte, error) {
	in := &s3.GetObjectInput{Bucket: aws.String(obj.Bucket), Key: aws.String(obj.Key),
		Range: aws.String(objstore.HTTPRange(off, n)), IfMatch: aws.String(obj.ETag)}
	if obj.VersionID != "" {
		in.VersionId = aws.String(obj.VersionID)
	}
	out, err := s.api.GetObject(ctx, in, quietChecksums)
	if err != nil {
		return nil, s.pinnedError(ctx, obj, off, n, err)
	}
	defer out.Body.Close()
	where := fmt.Sprintf("s3store: read %s bytes [%d, %d)", location(obj.Bucket, obj.Key, obj.VersionID), off, off+n)
	if out.ETag != nil && unquote(*out.ETag) != unquote(obj.ETag) {
		return nil, &objstore.ChangedError{Bucket: obj.Bucket, Key: obj.Key, WasETag: obj.ETag, NowETag: *out.ETag}
	}
	if err := checkContentRange(out, off, n, obj.SizeBytes); err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	buf := make([]byte, n)
	got, err := io.ReadFull(out.Body, buf)
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: short body: %d of %d bytes", where, got, n)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: after %d bytes: %w", where, got, err)
	}
	return buf, nil
}

// pinnedError translates a GetObject error of a pinned read.
func (s *Store) pinnedError(ctx context.Context, obj events.ObjectRef, off, n int64, err error) error {
	changed := &objstore.ChangedError{Bucket: obj.Bucket, Key: obj.Key, WasETag: obj.ETag}
	switch f, _ := classify(err); f {
	case precondition:
		changed.Err = fmt.Errorf("If-Match %s failed: %w", obj.ETag, err)
	case badRange:
		changed.Err = fmt.Errorf("range [%d, %d) of a %d-byte object is not satisfiable any more: %w", off, off+n, obj.SizeBytes, err)
	case notFound:
		changed.Err = fmt.Errorf("%w: %w", objstore.ErrNotFound, err)
		return changed
	default:
		return fmt.Errorf("s3store: read %s bytes [%d, %d): %w", location(obj.Bucket, obj.Key, obj.VersionID), off, off+n,
			translate("get", obj.Bucket, obj.Key, obj.VersionID, err))
	}
	if now, err := s.Head(ctx, obj.Bucket, obj.Key, ""); err == nil {
		changed.NowETag = now.ETag
	}
	return changed
}

// checkContentRange makes sure the body is the range asked for: S3 answers
// a ranged GET with 206 and "Content-Range: bytes a-b/size".
func checkContentRange(out *s3.GetObjectOutput, off, n, size int64) error {
	if out.ContentRange == nil {
		if off == 0 && n == size && (out.ContentLength == nil || *out.ContentLength == n) {
			return nil // the whole object, answered with 200
		}
		return fmt.Errorf("response has no Content-Range (the server ignored Range)")
	}
	want := fmt.Sprintf("bytes %d-%d/", off, off+n-1)
	cr := *out.ContentRange
	total, ok := strings.CutPrefix(cr, want)
	if !ok {
		return fmt.Errorf("server answered Content-Range %q, want %q", cr, want+strconv.FormatInt(size, 10))
	}
	if total != "*" && total != strconv.FormatInt(size, 10) {
		return fmt.Errorf("Content-Range %q: object is not %d bytes any more", cr, size)
	}
	return nil
}

// quietChecksums stops the SDK logging "Response has no supported
// checksum" for every ranged GET: S3 returns no checksum for a range, so
// there is nothing to validate and nothing to warn about.
func quietChecksums(o *s3.Options) { o.DisableLogOutputChecksumValidationSkipped = true }

func unquote(etag string) string { return strings.Trim(etag, `"`) }
