// Package ledger holds the shape of Baton's event log: one append-only log of
// entries per job, each entry under a key that is unique within its job.
// Adapters (sqlite, memory, later DynamoDB) live in sub-packages and are
// checked by the conformance suite in ledgertest. Consumers declare the
// narrow interface they use.
package ledger

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Entry is one event in a job's log.
type Entry struct {
	// JobID names the log the entry belongs to.
	JobID string `json:"jobId"`
	// Key is unique within the job, e.g. "range/000003/ckpt/000012". An append
	// of an existing key fails with ErrConflict; this is the conditional write
	// that makes a checkpoint for (job, range, generation) land at most once.
	Key string `json:"key"`
	// Seq is assigned by the ledger at append: strictly increasing within a
	// job in append order, starting at 1. Ignored on input.
	Seq int64 `json:"seq"`
	// DetailType is the event's detail-type, e.g. "CheckpointCommitted".
	DetailType string `json:"detailType"`
	// Time is when the event happened (set by the appender; UTC).
	Time time.Time `json:"time"`
	// Detail is the event's JSON body.
	Detail json.RawMessage `json:"detail"`
}

// ErrConflict reports that an appended key already exists. Branch on it with
// errors.Is; the concrete error is *ConflictError.
var ErrConflict = errors.New("ledger: entry already exists")

// MaxAppendEntries is the most entries one Append may carry. It is set by
// DynamoDB's TransactWriteItems, which takes at most 100 actions: one per
// entry plus one for the job's sequence counter. Every adapter enforces it so
// that code tested on the embedded ledger also fits DynamoDB.
const MaxAppendEntries = 99

// ErrTooManyEntries reports an Append of more than MaxAppendEntries entries.
// Nothing is written; split the entries over several appends.
var ErrTooManyEntries = errors.New("ledger: too many entries in one append")

// ErrNotFound reports that no entry has the requested key.
var ErrNotFound = errors.New("ledger: entry not found")

// ConflictError names the keys that already existed. errors.Is(err,
// ErrConflict) is true for it.
type ConflictError struct {
	JobID string
	Keys  []string
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("ledger: job %s: entry %s already exists", e.JobID, strings.Join(e.Keys, ", "))
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }
