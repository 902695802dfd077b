package s3store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// ErrNoPayloadBucket reports PutBlob or GetBlob on a Store made without
// Options.PayloadBucket.
var ErrNoPayloadBucket = errors.New("s3store: no payload bucket configured (Options.PayloadBucket, BATON_PAYLOAD_BUCKET)")

// Blobs stores small whole objects (claim checks: large events, large
// ledger details) in one bucket. Safe for concurrent use.
type Blobs struct {
	api    API
	bucket string
}

// NewBlobs returns blobs kept in bucket. Errors: a nil api, an empty bucket.
func NewBlobs(api API, bucket string) (*Blobs, error) {
	var errs []error
	if api == nil {
		errs = append(errs, errors.New("s3store: nil S3 client"))
	}
	if bucket == "" {
		errs = append(errs, errors.New("s3store: empty payload bucket name"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &Blobs{api: api, bucket: bucket}, nil
}

// Bucket returns the bucket the blobs are kept in.
func (b *Blobs) Bucket() string { return b.bucket }

// Put stores data under key with one PutObject, replacing any object
// there. Errors: ErrAccessDenied (wrapped) for 403; objstore.ErrNotFound
// (wrapped) if the bucket does not exist; the SDK's error, wrapped.
func (b *Blobs) Put(ctx context.Context, key string, data []byte) error {
	_, err := b.api.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b.bucket), Key: aws.String(key),
		Body: bytes.NewReader(data), ContentLength: aws.Int64(int64(len(data)))})
	if err != nil {
		return translate("put blob", b.bucket, key, "", err)
	}
	return nil
}

// Get returns the whole object under key with one GetObject. Errors:
// objstore.ErrNotFound (wrapped) for a missing key or bucket;
// ErrAccessDenied (wrapped) for 403; a body shorter than its
// Content-Length; the SDK's error, wrapped.
func (b *Blobs) Get(ctx context.Context, key string) ([]byte, error) {
	out, err := b.api.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(b.bucket), Key: aws.String(key)})
	if err != nil {
		return nil, translate("get blob", b.bucket, key, "", err)
	}
	defer out.Body.Close()
	data, err := io.ReadAll(out.Body)
	if err != nil {
		return nil, fmt.Errorf("s3store: get blob %s: after %d bytes: %w", location(b.bucket, key, ""), len(data), err)
	}
	if out.ContentLength != nil && *out.ContentLength != int64(len(data)) {
		return nil, fmt.Errorf("s3store: get blob %s: short body: %d of %d bytes", location(b.bucket, key, ""), len(data), *out.ContentLength)
	}
	return data, nil
}

// PutBlob is Blobs.Put on Options.PayloadBucket. Errors: also
// ErrNoPayloadBucket.
func (s *Store) PutBlob(ctx context.Context, key string, data []byte) error {
	if s.blobs == nil {
		return ErrNoPayloadBucket
	}
	return s.blobs.Put(ctx, key, data)
}

// GetBlob is Blobs.Get on Options.PayloadBucket. Errors: also
// ErrNoPayloadBucket.
func (s *Store) GetBlob(ctx context.Context, key string) ([]byte, error) {
	if s.blobs == nil {
		return nil, ErrNoPayloadBucket
	}
	return s.blobs.Get(ctx, key)
}
