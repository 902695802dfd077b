package events

import (
	"encoding/json"
	"fmt"
	"net/url"
	"path"
	"strings"
)

// S3 publishes object notifications to the account's default event bus
// under this source and detail-type (Amazon S3 User Guide, "Using
// EventBridge": Object Created).
const (
	SourceS3            = "aws.s3"
	TypeS3ObjectCreated = "Object Created"
)

// S3ObjectCreated is the detail of S3's "Object Created" EventBridge event,
// the part Baton reads. It is S3's schema, not Baton's: unknown fields are
// ignored and there is no schemaVersion.
type S3ObjectCreated struct {
	Version string `json:"version"`
	Bucket  struct {
		Name string `json:"name"`
	} `json:"bucket"`
	Object struct {
		// Key is URL-encoded as in every S3 event notification: a space
		// arrives as "+", other reserved bytes as %XX. Use DecodedKey.
		Key       string `json:"key"`
		SizeBytes int64  `json:"size"`
		ETag      string `json:"etag"`
		VersionID string `json:"version-id"`
		Sequencer string `json:"sequencer"`
	} `json:"object"`
	Reason string `json:"reason"`
}

// DecodeS3ObjectCreated decodes an "Object Created" detail. Errors wrap
// ErrMalformed: the envelope is not from aws.s3 with that detail-type, the
// JSON is invalid, or the bucket name or key is missing or badly encoded.
func DecodeS3ObjectCreated(env Envelope) (S3ObjectCreated, error) {
	var d S3ObjectCreated
	if env.Source != SourceS3 || env.DetailType != TypeS3ObjectCreated {
		return d, fmt.Errorf("%w: source %q detail-type %q, want %s %q", ErrMalformed, env.Source, env.DetailType, SourceS3, TypeS3ObjectCreated)
	}
	if err := json.Unmarshal(env.Detail, &d); err != nil {
		return d, fmt.Errorf("%w: %s: %v", ErrMalformed, TypeS3ObjectCreated, err)
	}
	if d.Bucket.Name == "" || d.Object.Key == "" {
		return d, fmt.Errorf("%w: %s: missing bucket.name or object.key", ErrMalformed, TypeS3ObjectCreated)
	}
	if _, err := d.DecodedKey(); err != nil {
		return d, err
	}
	return d, nil
}

// DecodedKey returns the object key S3 stores, undoing the notification's
// URL encoding ("+" is a space, %XX a byte; the S3 event message structure
// rule). Errors wrap ErrMalformed for an invalid escape.
func (d S3ObjectCreated) DecodedKey() (string, error) {
	k, err := url.QueryUnescape(d.Object.Key)
	if err != nil {
		return "", fmt.Errorf("%w: %s: object.key %q: %v", ErrMalformed, TypeS3ObjectCreated, d.Object.Key, err)
	}
	return k, nil
}

// FormatFromKey guesses an object's format from its key's extension, in
// any letter case: .csv and .tsv (tab delimiter) are CSV with a header;
// .jsonl, .ndjson and .json are JSON Lines; anything else is lines.
// Compressed and columnar extensions (.gz, .bz2, .zst, .xz, .zip, .parquet)
// are errors saying so.
func FormatFromKey(key string) (Format, error) {
	switch ext := strings.ToLower(path.Ext(key)); ext {
	case ".csv":
		return Format{Kind: "csv", Header: true}, nil
	case ".tsv":
		return Format{Kind: "csv", Header: true, Delimiter: "\t"}, nil
	case ".jsonl", ".ndjson", ".json":
		return Format{Kind: "jsonl"}, nil
	case ".gz", ".bz2", ".zst", ".xz", ".zip", ".parquet":
		return Format{}, fmt.Errorf("%s files are not supported; decompress or convert to CSV/JSON Lines first", ext)
	}
	return Format{Kind: "lines"}, nil
}
