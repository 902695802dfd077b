package ledger

import (
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// Prepare checks an Append call and returns the entries as they are to be
// stored: JobID set to jobID, Time in UTC without a monotonic reading, Detail
// copied, Seq zero (the adapter assigns it). It is shared by the adapters so
// that they all validate alike.
//
// Errors: an empty or non-UTF-8 jobID or key, an Entry.JobID that is set and
// differs from jobID, or a non-empty Detail that is not valid JSON give a
// plain error naming the entry index and key, as does a Time outside years
// 0000-9999; a key that appears twice in the
// call gives *ConflictError naming it (errors.Is ErrConflict). More than
// MaxAppendEntries entries give an error wrapping ErrTooManyEntries.
func Prepare(jobID string, entries []Entry) ([]Entry, error) {
	if jobID == "" {
		return nil, errors.New("ledger: empty job id")
	}
	if !utf8.ValidString(jobID) {
		return nil, fmt.Errorf("ledger: job id %q is not valid UTF-8", jobID)
	}
	if len(entries) > MaxAppendEntries {
		return nil, fmt.Errorf("ledger: job %s: %d entries in one append, at most %d: %w",
			jobID, len(entries), MaxAppendEntries, ErrTooManyEntries)
	}
	out := make([]Entry, len(entries))
	seen := make(map[string]int, len(entries))
	var dups []string
	for i, e := range entries {
		if err := checkEntry(jobID, e); err != nil {
			return nil, fmt.Errorf("ledger: job %s: entry %d: %w", jobID, i, err)
		}
		if seen[e.Key]++; seen[e.Key] == 2 {
			dups = append(dups, e.Key)
		}
		e.JobID = jobID
		e.Seq = 0
		e.Time = e.Time.UTC().Round(0)
		if e.Detail != nil {
			e.Detail = append(json.RawMessage{}, e.Detail...)
		}
		out[i] = e
	}
	if len(dups) > 0 {
		return nil, &ConflictError{JobID: jobID, Keys: dups}
	}
	return out, nil
}

func checkEntry(jobID string, e Entry) error {
	switch {
	case e.Key == "":
		return errors.New("empty key")
	case !utf8.ValidString(e.Key):
		return fmt.Errorf("key %q is not valid UTF-8", e.Key)
	case e.JobID != "" && e.JobID != jobID:
		return fmt.Errorf("key %s: entry names job %q", e.Key, e.JobID)
	case e.Time.Year() < 0 || e.Time.Year() > 9999:
		return fmt.Errorf("key %s: time %v is outside years 0000-9999", e.Key, e.Time)
	case len(e.Detail) > 0 && !json.Valid(e.Detail):
		return fmt.Errorf("key %s: detail is not valid JSON", e.Key)
	}
	return nil
}
