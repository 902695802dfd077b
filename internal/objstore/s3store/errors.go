package s3store

import (
	"errors"
	"fmt"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/batonrun/baton/internal/objstore"
)

// ErrAccessDenied reports that S3 refused a request with HTTP 403
// (AccessDenied): the caller's credentials or the bucket policy do not
// allow the operation on that bucket and key. It is permanent: retrying
// does not help.
var ErrAccessDenied = objstore.ErrAccessDenied

// failure is what an S3 error means to Baton.
type failure int

const (
	other        failure = iota
	notFound             // 404: NoSuchKey, NotFound, NoSuchVersion, NoSuchBucket
	denied               // 403: AccessDenied
	precondition         // 412: PreconditionFailed (If-Match did not match)
	badRange             // 416: InvalidRange (the range starts past the end)
)

// classify reads the HTTP status and the S3 error code out of an SDK error
// (smithyhttp.ResponseError and smithy.APIError, wherever they are in the
// chain). The status decides; the code covers errors without a response.
func classify(err error) (failure, string) {
	status := 0
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	code := ""
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code = ae.ErrorCode()
	}
	switch {
	case status == 404 || code == "NoSuchKey" || code == "NotFound" || code == "NoSuchVersion" || code == "NoSuchBucket":
		return notFound, code
	case status == 403 || code == "AccessDenied":
		return denied, code
	case status == 412 || code == "PreconditionFailed":
		return precondition, code
	case status == 416 || code == "InvalidRange":
		return badRange, code
	}
	return other, code
}

// location names an object in messages: s3://bucket/key, plus the version
// when there is one.
func location(bucket, key, versionID string) string {
	if versionID == "" {
		return fmt.Sprintf("s3://%s/%s", bucket, key)
	}
	return fmt.Sprintf("s3://%s/%s (version %s)", bucket, key, versionID)
}

// translate turns an SDK error of an unpinned request (Head, blobs) into
// one wrapping objstore.ErrNotFound or ErrAccessDenied where it is one of
// those, keeping the SDK error in the chain.
func translate(op, bucket, key, versionID string, err error) error {
	where := location(bucket, key, versionID)
	switch f, code := classify(err); f {
	case notFound:
		if code == "NoSuchBucket" {
			return fmt.Errorf("s3store: %s %s: bucket %q does not exist: %w (%w)", op, where, bucket, objstore.ErrNotFound, err)
		}
		return fmt.Errorf("s3store: %s %s: %w (%w)", op, where, objstore.ErrNotFound, err)
	case denied:
		return fmt.Errorf("s3store: %s %s: %w (check the credentials and the bucket policy) (%w)", op, where, ErrAccessDenied, err)
	}
	return fmt.Errorf("s3store: %s %s: %w", op, where, err)
}
