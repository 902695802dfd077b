package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// schemaVersion is the layout this package reads and writes. Open refuses a
// database whose recorded version is newer.
const schemaVersion = 1

// Times are stored as fixed-width UTC text (timeLayout) so that text order is
// time order, which MIN/MAX in Jobs rely on, and any year 0000-9999 survives.
const schemaSQL = `
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
	job_id      TEXT    NOT NULL,
	key         TEXT    NOT NULL,
	seq         INTEGER NOT NULL,
	detail_type TEXT    NOT NULL,
	time        TEXT    NOT NULL,
	detail      BLOB,
	PRIMARY KEY (job_id, key)
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS entries_seq ON entries (job_id, seq);
`

const timeLayout = "2006-01-02T15:04:05.000000000Z"

func migrate(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, schemaSQL); err != nil {
		return fmt.Errorf("creating schema: %w", err)
	}
	var v sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_version`).Scan(&v); err != nil {
		return fmt.Errorf("reading schema version: %w", err)
	}
	switch {
	case !v.Valid:
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (?)`, schemaVersion); err != nil {
			return fmt.Errorf("recording schema version: %w", err)
		}
	case v.Int64 > schemaVersion:
		return fmt.Errorf("database schema version %d is newer than this program's %d", v.Int64, schemaVersion)
	}
	return tx.Commit()
}
