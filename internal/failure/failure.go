// Package failure sorts errors into permanent job failures, each with the
// events.Code* a user and callers branch on, and everything else, which is
// transient and left to the runtime's retries.
package failure

import (
	"errors"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/objstore"
	"github.com/batonrun/baton/internal/query"
	"github.com/batonrun/baton/internal/record"
)

// Code returns the failure code for a permanent error, or "" when err is
// transient (retrying may succeed).
func Code(err error) string {
	var tooLarge *record.RecordTooLargeError
	var recErr *record.RecordError
	var boundary *record.BoundaryError
	var valErr *query.ValueError
	var tooMany *BadRecordsError
	switch {
	case err == nil:
		return ""
	case errors.Is(err, objstore.ErrObjectChanged):
		return events.CodeObjectChanged
	case errors.Is(err, objstore.ErrNotFound):
		return events.CodeObjectMissing
	case errors.Is(err, objstore.ErrAccessDenied):
		return events.CodeAccessDenied
	case errors.Is(err, ErrBadRequest):
		return events.CodeBadRequest
	case errors.As(err, &tooLarge):
		return events.CodeRecordTooBig
	case errors.As(err, &boundary):
		return events.CodeBoundary
	case errors.As(err, &valErr) && valErr.OffsetBytes < 0:
		return events.CodeBadQuery // an expression over the aggregates, not a record, failed
	case errors.As(err, &recErr), errors.As(err, &valErr), errors.As(err, &tooMany):
		return events.CodeBadRecord
	case errors.Is(err, query.ErrTooManyGroups), errors.Is(err, query.ErrTooManyRows):
		return events.CodeTooLarge
	case errors.Is(err, ErrHopCap):
		return events.CodeHopCap
	case errors.Is(err, ErrPermanent):
		return events.CodeInternal
	}
	return ""
}

// ErrHopCap reports a range that used up its generations.
var ErrHopCap = errors.New("hop cap reached")

// ErrPermanent marks an error that retrying cannot fix (wrap it with %w).
var ErrPermanent = errors.New("permanent failure")

// ErrBadRequest marks a request Baton cannot serve as asked: an unreadable
// format, a range size below the minimum or over the cap (code
// bad_request). Wrap it with %w.
var ErrBadRequest = errors.New("bad request")
