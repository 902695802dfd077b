package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsevents "github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"

	"github.com/batonrun/baton/internal/awstest"
)

// S3 uploads reach the stack through an "Object Created" event that the
// test puts on the default bus itself. moto 5.2.1 can emit S3 events to
// EventBridge when a bucket's NotificationConfiguration enables it, but
// its event differs from S3's (Amazon S3 User Guide, "EventBridge message
// structure"): the key is not URL-encoded, the ETag field is "eTag"
// rather than "etag", and reason is "ObjectCreated" rather than
// "PutObject". A splitter that decodes the key as S3 sends it would read
// moto's raw "a+b" as "a b". So the input bucket is created without
// notifications, and s3ObjectCreated builds the documented event.

// s3ObjectCreated is the detail S3 sends to EventBridge for a PutObject of
// key (size in bytes, etag without quotes; versionID "" for an unversioned
// bucket, which sends no version-id).
func s3ObjectCreated(bucket, key string, size int64, etag, versionID string) ([]byte, error) {
	object := map[string]any{
		"key":       s3EventKey(key),
		"size":      size,
		"etag":      strings.Trim(etag, `"`),
		"sequencer": fmt.Sprintf("%016X", time.Now().UnixNano()),
	}
	if versionID != "" {
		object["version-id"] = versionID
	}
	return json.Marshal(map[string]any{
		"version":           "0",
		"bucket":            map[string]any{"name": bucket},
		"object":            object,
		"request-id":        "E2E0REQUEST0ID00",
		"requester":         awstest.AccountID,
		"source-ip-address": "127.0.0.1",
		"reason":            "PutObject",
	})
}

// s3EventKey URL-encodes a key the way S3 event notifications do: each
// path segment form-encoded (a space becomes "+", "+" becomes "%2B",
// non-ASCII bytes %XX), slashes kept.
func s3EventKey(key string) string {
	parts := strings.Split(key, "/")
	for i, p := range parts {
		parts[i] = url.QueryEscape(p)
	}
	return strings.Join(parts, "/")
}

// putEvent puts one event on bus ("default" for the default bus) and
// returns its event id.
func putEvent(ctx context.Context, eb *awsevents.Client, bus, source, detailType string, detail []byte, resources ...string) (string, error) {
	out, err := eb.PutEvents(ctx, &awsevents.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{{
		EventBusName: aws.String(bus), Source: aws.String(source), DetailType: aws.String(detailType),
		Detail: aws.String(string(detail)), Resources: resources,
	}}})
	if err != nil {
		return "", fmt.Errorf("putting %s on %s: %w", detailType, bus, err)
	}
	if out.FailedEntryCount > 0 || len(out.Entries) != 1 {
		return "", fmt.Errorf("putting %s on %s: %d failed: %+v", detailType, bus, out.FailedEntryCount, out.Entries)
	}
	if c := aws.ToString(out.Entries[0].ErrorCode); c != "" {
		return "", fmt.Errorf("putting %s on %s: %s: %s", detailType, bus, c, aws.ToString(out.Entries[0].ErrorMessage))
	}
	return aws.ToString(out.Entries[0].EventId), nil
}
