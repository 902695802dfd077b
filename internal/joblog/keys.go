// Package joblog is the key scheme of a job's event log and the fold of the
// log into a job's status. Handlers use it to write and read the ledger in
// one agreed shape:
//
//	job                     JobStarted           (once, by the splitter)
//	plan/000003             RangePlanned         (once per range)
//	ckpt/000003/000012      CheckpointCommitted  (at most once per range and generation)
//	done/000003             RangeCompleted       (with the range's last checkpoint)
//	failed/000003           RangeFailed
//	terminal                JobSucceeded or JobFailed (exactly one can land)
//
// Range indexes and generations are zero-padded to six digits so that key
// order is numeric order.
package joblog

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/ledger"
)

// Key prefixes, for ledger List and Count calls.
const (
	KeyJob          = "job"
	KeyTerminal     = "terminal"
	PrefixPlan      = "plan/"
	PrefixCkpt      = "ckpt/"
	PrefixDone      = "done/"
	PrefixFailed    = "failed/"
	maxPaddedNumber = 999999
)

// PlanKey is the key of range i's RangePlanned entry.
func PlanKey(i int) string { return fmt.Sprintf("%s%06d", PrefixPlan, i) }

// CkptKey is the key of the checkpoint of range i, generation g.
func CkptKey(i, g int) string { return fmt.Sprintf("%s%06d/%06d", PrefixCkpt, i, g) }

// CkptPrefix is the prefix of all checkpoints of range i.
func CkptPrefix(i int) string { return fmt.Sprintf("%s%06d/", PrefixCkpt, i) }

// DoneKey is the key of range i's RangeCompleted entry.
func DoneKey(i int) string { return fmt.Sprintf("%s%06d", PrefixDone, i) }

// FailedKey is the key of range i's RangeFailed entry.
func FailedKey(i int) string { return fmt.Sprintf("%s%06d", PrefixFailed, i) }

// MaxIndex is the largest range index or generation the keys can order.
const MaxIndex = maxPaddedNumber

// NewEntry encodes d as a ledger entry under key.
func NewEntry(jobID, key string, at time.Time, d events.Detail) (ledger.Entry, error) {
	raw, err := json.Marshal(d)
	if err != nil {
		return ledger.Entry{}, fmt.Errorf("encoding %s: %w", d.Type(), err)
	}
	return ledger.Entry{JobID: jobID, Key: key, DetailType: d.Type(), Time: at.UTC(), Detail: raw}, nil
}

// Decode strictly decodes an entry's detail into d, checking its type.
func Decode(e ledger.Entry, d events.Detail) error {
	if e.DetailType != d.Type() {
		return fmt.Errorf("ledger entry %s is %s, want %s", e.Key, e.DetailType, d.Type())
	}
	if err := events.DecodeDetail(e.Detail, d); err != nil {
		return fmt.Errorf("ledger entry %s: %w", e.Key, err)
	}
	return nil
}
