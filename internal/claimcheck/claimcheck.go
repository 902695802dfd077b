// Package claimcheck moves a payload too large to travel inline into the
// object store and leaves a pointer in its place (the claim-check pattern;
// DESIGN.md invariant 6). For events: Wrap replaces an envelope's detail
// with an events.ClaimCheckDetail, Resolve puts the original bytes back
// after checking their size and SHA-256.
package claimcheck

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"

	"github.com/batonrun/baton/events"
)

// Blobs is the part of a bucket-scoped object store that claim checks use.
// GetBlob of a missing key returns an error wrapping objstore.ErrNotFound.
// Implementations must be safe for concurrent use.
type Blobs interface {
	PutBlob(ctx context.Context, key string, data []byte) error
	GetBlob(ctx context.Context, key string) ([]byte, error)
}

// ErrMismatch reports a stored payload whose size or SHA-256 differs from
// what its claim check promises (a replaced or truncated blob).
var ErrMismatch = errors.New("claim-check payload does not match its claim check")

// KeyPrefix starts every key Wrap writes.
const KeyPrefix = "claims/"

// Key returns the content-derived key under which Wrap stores a detail of
// detailType whose SHA-256 is sha256Hex: "claims/<detail-type>/<sha256>.json"
// with the detail-type path-escaped. The same detail always gets the same
// key, so a retried Wrap rewrites identical bytes.
func Key(detailType, sha256Hex string) string {
	return KeyPrefix + url.PathEscape(detailType) + "/" + sha256Hex + ".json"
}

// Wrap stores env.Detail in blobs under Key and returns env with its detail
// replaced by an events.ClaimCheckDetail naming bucket (the bucket blobs
// writes to, recorded for readers). Everything else in env is unchanged.
// It is idempotent: wrapping the same detail again writes the same key and
// returns the same pointer. Errors: an empty bucket, a detail that is not
// valid JSON, or the PutBlob failure, wrapped with the detail-type.
func Wrap(ctx context.Context, blobs Blobs, bucket string, env events.Envelope) (events.Envelope, error) {
	if bucket == "" {
		return events.Envelope{}, fmt.Errorf("claim check for %s: no bucket", env.DetailType)
	}
	if !json.Valid(env.Detail) {
		return events.Envelope{}, fmt.Errorf("claim check for %s: detail is not valid JSON", env.DetailType)
	}
	sum := sha256.Sum256(env.Detail)
	c := events.ClaimCheck{Bucket: bucket, SizeBytes: int64(len(env.Detail)), SHA256: hex.EncodeToString(sum[:])}
	c.Key = Key(env.DetailType, c.SHA256)
	if err := blobs.PutBlob(ctx, c.Key, env.Detail); err != nil {
		return events.Envelope{}, fmt.Errorf("claim check for %s: storing %d bytes at %s/%s: %w", env.DetailType, c.SizeBytes, bucket, c.Key, err)
	}
	ptr, err := json.Marshal(events.ClaimCheckDetail{ClaimCheck: c})
	if err != nil {
		return events.Envelope{}, fmt.Errorf("claim check for %s: %w", env.DetailType, err)
	}
	env.Detail = ptr
	return env, nil
}

// Resolve returns env unchanged when its detail is not a claim check.
// Otherwise it fetches the payload from blobs (which must be scoped to the
// claim's bucket), checks its size and SHA-256 and returns env with the
// original detail bytes restored. Errors: a malformed claim check
// (wrapping events.ErrMalformed), the GetBlob failure (objstore.ErrNotFound
// for a missing blob), or ErrMismatch; each names the detail-type and key.
func Resolve(ctx context.Context, blobs Blobs, env events.Envelope) (events.Envelope, error) {
	c, ok, err := events.ParseClaimCheck(env.Detail)
	if !ok {
		return env, nil
	}
	if err != nil {
		return events.Envelope{}, fmt.Errorf("resolving %s: %w", env.DetailType, err)
	}
	data, err := blobs.GetBlob(ctx, c.Key)
	if err != nil {
		return events.Envelope{}, fmt.Errorf("resolving %s: fetching %s/%s: %w", env.DetailType, c.Bucket, c.Key, err)
	}
	if err := verify(c, data); err != nil {
		return events.Envelope{}, fmt.Errorf("resolving %s: %s/%s: %w", env.DetailType, c.Bucket, c.Key, err)
	}
	env.Detail = data
	return env, nil
}

func verify(c events.ClaimCheck, data []byte) error {
	if int64(len(data)) != c.SizeBytes {
		return fmt.Errorf("%w: %d bytes, claim says %d", ErrMismatch, len(data), c.SizeBytes)
	}
	sum := sha256.Sum256(data)
	if got := hex.EncodeToString(sum[:]); got != c.SHA256 {
		return fmt.Errorf("%w: sha256 %s, claim says %s", ErrMismatch, got, c.SHA256)
	}
	return nil
}
