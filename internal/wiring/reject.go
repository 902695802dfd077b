package wiring

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/splitter"
	"github.com/batonrun/baton/internal/worker"
)

// RejectedError is what Handler returns for an event that can never
// succeed, however often it is retried: a malformed or oversized detail, an
// unknown detail-type or schemaVersion, an object outside the allow-list.
// It is still an error, so Lambda's bounded asynchronous retries
// (MaximumRetryAttempts in the template) end in the function's
// dead-letter queue; Lambda reports it there with errorType
// "RejectedError", which tells it apart from transient failures.
type RejectedError struct {
	DetailType, ID string // of the rejected event
	Err            error  // the reason, wrapping one of permanentErrors
}

func (e *RejectedError) Error() string {
	return fmt.Sprintf("rejected %s event %s: %v", e.DetailType, e.ID, e.Err)
}

func (e *RejectedError) Unwrap() error { return e.Err }

// permanentErrors are the sentinels that mark an event no retry can fix.
func permanentErrors() []error {
	return []error{events.ErrMalformed, events.ErrUnknownSchemaVersion, worker.ErrUnknownDetailType,
		splitter.ErrNotAllowed, splitter.ErrNoUploadQuery}
}

// Permanent reports whether err rejects its event for good (see
// RejectedError).
func Permanent(err error) bool {
	for _, p := range permanentErrors() {
		if errors.Is(err, p) {
			return true
		}
	}
	return false
}

// checkSize rejects an event without a detail, and an inline detail
// larger than one EventBridge entry may be: EventBridge never delivers
// one, so it was forged or hand-made.
func checkSize(env events.Envelope) error {
	if len(env.Detail) == 0 {
		return fmt.Errorf("%w: %s event has no detail", events.ErrMalformed, env.DetailType)
	}
	if n := len(env.Detail); n > events.MaxEntryBytes {
		return fmt.Errorf("%w: detail is %d bytes, over EventBridge's %d-byte entry limit", events.ErrMalformed, n, events.MaxEntryBytes)
	}
	return nil
}

// classify wraps a permanent err in a RejectedError and logs it at ERROR
// with the reason (the event's type, id and source; never its detail);
// other errors are returned as they are.
func (d Deps) classify(ctx context.Context, env events.Envelope, err error) error {
	if err == nil || !Permanent(err) {
		return err
	}
	if d.Logger != nil {
		d.Logger.LogAttrs(ctx, slog.LevelError, "event rejected",
			slog.String("detailType", env.DetailType), slog.String("eventId", env.ID),
			slog.String("source", env.Source), slog.String("reason", err.Error()))
	}
	return &RejectedError{DetailType: env.DetailType, ID: env.ID, Err: err}
}
