package eventbridge

import (
	"errors"
	"fmt"
	"strings"
)

var (
	// ErrInvalidEntry reports an envelope without detail-type or source,
	// or whose detail is not JSON. Nothing is sent.
	ErrInvalidEntry = errors.New("invalid entry")
	// ErrEntryTooLarge reports an entry over events.MaxEntryBytes with no
	// claim-check store configured. Nothing is sent.
	ErrEntryTooLarge = errors.New("entry larger than 256 KB")
	// ErrEntriesFailed is matched by every *PublishError.
	ErrEntriesFailed = errors.New("PutEvents entries failed")
)

// FailedEntry is one entry EventBridge did not accept.
type FailedEntry struct {
	// Index is the entry's position in the envelopes given to Publish.
	Index int
	// DetailType and EventID are the envelope's (EventID may be "").
	DetailType, EventID string
	// ErrorCode and ErrorMessage are EventBridge's, e.g.
	// "ThrottlingException".
	ErrorCode, ErrorMessage string
	// Retryable is false for codes that retrying cannot fix (e.g.
	// MalformedDetail, AccessDeniedException).
	Retryable bool
}

// PublishError reports the entries still failed after the retries. The
// entries before them in the Publish call, and the others of their
// PutEvents call, were accepted; entries after their call were not sent.
type PublishError struct {
	// Entries are the failed entries in Publish order.
	Entries []FailedEntry
	// Attempts is how many PutEvents calls were made for their batch.
	Attempts int
}

func (e *PublishError) Error() string {
	parts := make([]string, len(e.Entries))
	for i, f := range e.Entries {
		parts[i] = fmt.Sprintf("entry %d (%s, id %q): %s: %s", f.Index, f.DetailType, f.EventID, f.ErrorCode, f.ErrorMessage)
	}
	return fmt.Sprintf("%d PutEvents entries failed after %d attempts: %s", len(e.Entries), e.Attempts, strings.Join(parts, "; "))
}

// Is makes errors.Is(err, ErrEntriesFailed) true.
func (e *PublishError) Is(target error) bool { return target == ErrEntriesFailed }

// Retryable reports whether every failed entry may succeed if published
// again.
func (e *PublishError) Retryable() bool {
	for _, f := range e.Entries {
		if !f.Retryable {
			return false
		}
	}
	return true
}

// retryableCode reports whether a PutEvents entry error code may succeed on
// retry: every code but those the EventBridge API reference lists as
// non-retryable (PutEventsResultEntry.ErrorCode).
func retryableCode(code string) bool {
	switch code {
	case "AccessDeniedException", "InvalidAccountIdException", "InvalidArgument", "MalformedDetail",
		"RedactionFailure", "NotAuthorizedForSourceException", "NotAuthorizedForDetailTypeException":
		return false
	}
	return true
}
