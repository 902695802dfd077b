// Package memory is an in-memory ledger for fast unit tests of handlers. It
// has the same semantics as the sqlite adapter (checked by ledgertest) but
// keeps nothing after the process exits.
package memory

import (
	"context"
	"strings"
	"sync"

	"github.com/batonrun/baton/internal/ledger"
)

// Ledger is an in-memory ledger. The zero value is not usable; call New.
// Safe for concurrent use.
type Ledger struct {
	mu   sync.Mutex
	jobs map[string]*job
}

type job struct {
	entries []ledger.Entry // in Seq order; entries[i].Seq == i+1
	byKey   map[string]int // key -> index in entries
}

// New returns an empty ledger.
func New() *Ledger { return &Ledger{jobs: map[string]*job{}} }

// Append adds entries to jobID's log atomically: all of them or none. See
// ledger.Prepare for validation. If a key already exists for the job,
// nothing is written and the error is *ledger.ConflictError naming the
// existing keys (errors.Is ledger.ErrConflict). Seq is assigned in argument
// order continuing the job's log, starting at 1.
func (l *Ledger) Append(ctx context.Context, jobID string, entries ...ledger.Entry) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	prepared, err := ledger.Prepare(jobID, entries)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	j := l.jobs[jobID]
	if j == nil {
		j = &job{byKey: map[string]int{}}
	}
	var existing []string
	for _, e := range prepared {
		if _, ok := j.byKey[e.Key]; ok {
			existing = append(existing, e.Key)
		}
	}
	if len(existing) > 0 {
		return &ledger.ConflictError{JobID: jobID, Keys: existing}
	}
	if len(prepared) == 0 {
		return nil
	}
	for _, e := range prepared {
		e.Seq = int64(len(j.entries) + 1)
		j.byKey[e.Key] = len(j.entries)
		j.entries = append(j.entries, e)
	}
	l.jobs[jobID] = j
	return nil
}

// Get returns the entry under key, or an error wrapping ledger.ErrNotFound.
func (l *Ledger) Get(ctx context.Context, jobID, key string) (ledger.Entry, error) {
	if err := ctx.Err(); err != nil {
		return ledger.Entry{}, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if j := l.jobs[jobID]; j != nil {
		if i, ok := j.byKey[key]; ok {
			return clone(j.entries[i]), nil
		}
	}
	return ledger.Entry{}, notFound(jobID, key)
}

// List returns the job's entries whose key starts with keyPrefix ("" = all),
// in Seq order. An unknown job gives an empty list, not an error.
func (l *Ledger) List(ctx context.Context, jobID, keyPrefix string) ([]ledger.Entry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []ledger.Entry
	if j := l.jobs[jobID]; j != nil {
		for _, e := range j.entries {
			if strings.HasPrefix(e.Key, keyPrefix) {
				out = append(out, clone(e))
			}
		}
	}
	return out, nil
}

// Count returns how many of the job's entries have a key starting with
// keyPrefix ("" = all).
func (l *Ledger) Count(ctx context.Context, jobID, keyPrefix string) (int, error) {
	es, err := l.List(ctx, jobID, keyPrefix)
	return len(es), err
}

// Jobs summarises every job, newest first: ordered by FirstTime descending,
// ties by JobID ascending.
func (l *Ledger) Jobs(ctx context.Context) ([]ledger.JobSummary, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]ledger.JobSummary, 0, len(l.jobs))
	for id, j := range l.jobs {
		s := ledger.JobSummary{JobID: id, Entries: len(j.entries)}
		for i, e := range j.entries {
			if i == 0 || e.Time.Before(s.FirstTime) {
				s.FirstTime = e.Time
			}
			if i == 0 || e.Time.After(s.LastTime) {
				s.LastTime = e.Time
			}
		}
		out = append(out, s)
	}
	ledger.SortJobs(out)
	return out, nil
}

// Close does nothing; it exists to satisfy the ledger behaviour.
func (l *Ledger) Close() error { return nil }

func clone(e ledger.Entry) ledger.Entry {
	if e.Detail != nil {
		e.Detail = append([]byte(nil), e.Detail...)
	}
	return e
}
