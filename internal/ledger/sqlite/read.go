package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/batonrun/baton/internal/ledger"
)

const entryColumns = `job_id, key, seq, detail_type, time, detail`

// Get returns the entry under key, or an error wrapping ledger.ErrNotFound.
func (l *Ledger) Get(ctx context.Context, jobID, key string) (ledger.Entry, error) {
	st, err := l.stmts.get(ctx, `SELECT `+entryColumns+` FROM entries WHERE job_id = ? AND key = ?`)
	if err != nil {
		return ledger.Entry{}, fmt.Errorf("sqlite ledger: job %s key %s: %w", jobID, key, err)
	}
	e, err := scanEntry(st.QueryRowContext(ctx, jobID, key))
	if errors.Is(err, sql.ErrNoRows) {
		return ledger.Entry{}, fmt.Errorf("job %s key %s: %w", jobID, key, ledger.ErrNotFound)
	}
	if err != nil {
		return ledger.Entry{}, fmt.Errorf("sqlite ledger: job %s key %s: %w", jobID, key, err)
	}
	return e, nil
}

// List returns the job's entries whose key starts with keyPrefix ("" = all),
// in Seq order. An unknown job gives an empty list, not an error.
func (l *Ledger) List(ctx context.Context, jobID, keyPrefix string) ([]ledger.Entry, error) {
	where, args := prefixWhere(jobID, keyPrefix)
	st, err := l.stmts.get(ctx, `SELECT `+entryColumns+` FROM entries WHERE `+where+` ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("sqlite ledger: job %s: listing %q: %w", jobID, keyPrefix, err)
	}
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite ledger: job %s: listing %q: %w", jobID, keyPrefix, err)
	}
	defer rows.Close()
	var out []ledger.Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite ledger: job %s: listing %q: %w", jobID, keyPrefix, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite ledger: job %s: listing %q: %w", jobID, keyPrefix, err)
	}
	return out, nil
}

// Count returns how many of the job's entries have a key starting with
// keyPrefix ("" = all).
func (l *Ledger) Count(ctx context.Context, jobID, keyPrefix string) (int, error) {
	where, args := prefixWhere(jobID, keyPrefix)
	var n int
	st, err := l.stmts.get(ctx, `SELECT COUNT(*) FROM entries WHERE `+where)
	if err == nil {
		err = st.QueryRowContext(ctx, args...).Scan(&n)
	}
	if err != nil {
		return 0, fmt.Errorf("sqlite ledger: job %s: counting %q: %w", jobID, keyPrefix, err)
	}
	return n, nil
}

// Jobs summarises every job, newest first: ordered by FirstTime descending,
// ties by JobID ascending.
func (l *Ledger) Jobs(ctx context.Context) ([]ledger.JobSummary, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT job_id, MIN(time), MAX(time), COUNT(*) FROM entries
		GROUP BY job_id ORDER BY MIN(time) DESC, job_id ASC`)
	if err != nil {
		return nil, fmt.Errorf("sqlite ledger: listing jobs: %w", err)
	}
	defer rows.Close()
	var out []ledger.JobSummary
	for rows.Next() {
		var s ledger.JobSummary
		var first, last string
		if err := rows.Scan(&s.JobID, &first, &last, &s.Entries); err != nil {
			return nil, fmt.Errorf("sqlite ledger: listing jobs: %w", err)
		}
		if s.FirstTime, err = parseTime(first); err == nil {
			s.LastTime, err = parseTime(last)
		}
		if err != nil {
			return nil, fmt.Errorf("sqlite ledger: job %s: %w", s.JobID, err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite ledger: listing jobs: %w", err)
	}
	return out, nil
}

// prefixWhere selects a job's keys starting with prefix as a key range, so
// the primary key index serves it: prefix <= key < successor(prefix).
func prefixWhere(jobID, prefix string) (string, []any) {
	if prefix == "" {
		return `job_id = ?`, []any{jobID}
	}
	if succ, ok := successor(prefix); ok {
		return `job_id = ? AND key >= ? AND key < ?`, []any{jobID, prefix, succ}
	}
	return `job_id = ? AND key >= ?`, []any{jobID, prefix}
}

// successor returns the smallest byte string greater than every string with
// the given prefix, or false if there is none (prefix is all 0xFF bytes).
func successor(prefix string) (string, bool) {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xFF {
			b[i]++
			return string(b[:i+1]), true
		}
	}
	return "", false
}

type scanner interface{ Scan(dest ...any) error }

func scanEntry(s scanner) (ledger.Entry, error) {
	var e ledger.Entry
	var t string
	var detail []byte
	if err := s.Scan(&e.JobID, &e.Key, &e.Seq, &e.DetailType, &t, &detail); err != nil {
		return ledger.Entry{}, err
	}
	tm, err := parseTime(t)
	if err != nil {
		return ledger.Entry{}, fmt.Errorf("key %s: %w", e.Key, err)
	}
	e.Time = tm
	if detail != nil {
		e.Detail = detail
	}
	return e, nil
}

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
	}
	return t.UTC(), nil
}
