// Package sqlite is the embedded ledger: one SQLite database file (via the
// pure-Go modernc.org/sqlite driver) holding the logs of all jobs.
//
// The file is opened in WAL mode with a busy timeout, and every transaction
// begins IMMEDIATE, so many goroutines and several processes (a run writing
// while `baton events JOB` reads) can use one file at once: readers never
// block, writers queue for the write lock instead of failing with
// SQLITE_BUSY. Within one process appends are also serialised by a mutex so
// that the busy wait only happens across processes.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	msqlite "modernc.org/sqlite" // also registers driver "sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/batonrun/baton/internal/ledger"
)

// Ledger is a ledger stored in one SQLite file. Safe for concurrent use by
// many goroutines; several processes may open the same file.
type Ledger struct {
	db      *sql.DB
	stmts   *stmtCache
	path    string
	writeMu sync.Mutex
}

// Open opens or creates the database file at path, creating its parent
// directory and the schema if needed. The path must not contain '?'.
// Errors: invalid Options, an unusable path, or a database whose schema
// version is newer than this package's.
func Open(path string, o Options) (*Ledger, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if path == "" || strings.ContainsRune(path, '?') {
		return nil, fmt.Errorf("sqlite ledger: path %q is empty or contains '?'", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("sqlite ledger: creating directory for %s: %w", path, err)
	}
	db, err := sql.Open("sqlite", dsn(path, o))
	if err != nil {
		return nil, fmt.Errorf("sqlite ledger: opening %s: %w", path, err)
	}
	// Keep the connections a busy run uses open, with their prepared
	// statements: past database/sql's default of 2 idle ones, each burst of
	// concurrent reads opened (pragmas, WAL setup) and closed connections.
	db.SetMaxIdleConns(maxIdleConns)
	if err := migrateWhenFree(db, o.busyTimeout()); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("sqlite ledger: %s: %w", path, err)
	}
	return &Ledger{db: db, stmts: newStmtCache(db), path: path}, nil
}

// maxIdleConns is how many pooled connections stay open between uses.
const maxIdleConns = 16

// migrateWhenFree runs migrate, retrying for up to wait while another
// process holds the file: when several processes open a new file at once,
// one of them switching it to WAL can make another's BEGIN fail with
// SQLITE_BUSY at once, without waiting for the busy timeout.
func migrateWhenFree(db *sql.DB, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	for pause := 5 * time.Millisecond; ; pause = min(2*pause, 200*time.Millisecond) {
		err := migrate(context.Background(), db)
		if err == nil || !isBusy(err) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(pause/2 + rand.N(pause/2))
	}
}

// isBusy reports SQLite's SQLITE_BUSY (any extended code).
func isBusy(err error) bool {
	var se *msqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

func dsn(path string, o Options) string {
	q := url.Values{}
	q.Set("_txlock", "immediate")
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", o.busyTimeout().Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	return path + "?" + q.Encode()
}

// Path returns the database file's path as given to Open.
func (l *Ledger) Path() string { return l.path }

// Close closes the database. Entries appended before are durable.
func (l *Ledger) Close() error { return errors.Join(l.stmts.close(), l.db.Close()) }

// Append adds entries to jobID's log atomically in one transaction: all of
// them or none. See ledger.Prepare for validation. If a key already exists
// for the job, nothing is written and the error is *ledger.ConflictError
// naming the existing keys (errors.Is ledger.ErrConflict). Seq is assigned in
// argument order continuing the job's log (max(seq)+1), starting at 1.
func (l *Ledger) Append(ctx context.Context, jobID string, entries ...ledger.Entry) error {
	prepared, err := ledger.Prepare(jobID, entries)
	if err != nil {
		return err
	}
	l.writeMu.Lock()
	defer l.writeMu.Unlock()
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite ledger: job %s: begin: %w", jobID, err)
	}
	defer func() { _ = tx.Rollback() }()
	if err := l.appendTx(ctx, tx, jobID, prepared); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite ledger: job %s: commit: %w", jobID, err)
	}
	return nil
}

// appendTx inserts entries after the job's last seq. A key the job already
// has makes its INSERT fail on the primary key; only then are the existing
// keys looked up, for the *ledger.ConflictError (the caller rolls back).
// Appends without a conflict, the common case, make no lookups.
func (l *Ledger) appendTx(ctx context.Context, tx *sql.Tx, jobID string, entries []ledger.Entry) error {
	var last int64
	st, err := l.stmts.inTx(ctx, tx, `SELECT COALESCE(MAX(seq), 0) FROM entries WHERE job_id = ?`)
	if err == nil {
		err = st.QueryRowContext(ctx, jobID).Scan(&last)
	}
	if err != nil {
		return fmt.Errorf("sqlite ledger: job %s: reading last seq: %w", jobID, err)
	}
	ins, err := l.stmts.inTx(ctx, tx, `INSERT INTO entries (job_id, key, seq, detail_type, time, detail) VALUES (?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("sqlite ledger: job %s: preparing insert: %w", jobID, err)
	}
	for i, e := range entries {
		var detail any
		if e.Detail != nil {
			detail = []byte(e.Detail)
		}
		_, err := ins.ExecContext(ctx, jobID, e.Key, last+int64(i)+1, e.DetailType, e.Time.Format(timeLayout), detail)
		if isPrimaryKeyViolation(err) {
			return l.conflict(ctx, tx, jobID, entries, last)
		}
		if err != nil {
			return fmt.Errorf("sqlite ledger: job %s key %s: insert: %w", jobID, e.Key, err)
		}
	}
	return nil
}

// conflict builds the ConflictError naming every entry key the job had
// before this transaction: those with a seq at most last, the job's last
// seq when it began (the keys this transaction inserted have higher ones;
// a failed INSERT leaves the transaction open, undoing only itself).
func (l *Ledger) conflict(ctx context.Context, tx *sql.Tx, jobID string, entries []ledger.Entry, last int64) error {
	existing, err := l.existingKeys(ctx, tx, jobID, entries, last)
	if err != nil {
		return err
	}
	return &ledger.ConflictError{JobID: jobID, Keys: existing}
}

// isPrimaryKeyViolation reports SQLITE_CONSTRAINT_PRIMARYKEY.
func isPrimaryKeyViolation(err error) bool {
	var se *msqlite.Error
	return errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

func (l *Ledger) existingKeys(ctx context.Context, tx *sql.Tx, jobID string, entries []ledger.Entry, last int64) ([]string, error) {
	st, err := l.stmts.inTx(ctx, tx, `SELECT 1 FROM entries WHERE job_id = ? AND key = ? AND seq <= ?`)
	if err != nil {
		return nil, fmt.Errorf("sqlite ledger: job %s: preparing lookup: %w", jobID, err)
	}
	var found []string
	for _, e := range entries {
		var one int
		switch err := st.QueryRowContext(ctx, jobID, e.Key, last).Scan(&one); {
		case err == nil:
			found = append(found, e.Key)
		case !errors.Is(err, sql.ErrNoRows):
			return nil, fmt.Errorf("sqlite ledger: job %s key %s: lookup: %w", jobID, e.Key, err)
		}
	}
	return found, nil
}
