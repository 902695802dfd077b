package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// stmtCache keeps one prepared statement per SQL text for the life of the
// Ledger. Without it every Get, Count and Append made SQLite parse and plan
// its SQL again (about a third of a hop's ledger time, BenchmarkHop). A
// *sql.Stmt is safe for concurrent use; database/sql prepares it again on
// each pooled connection as needed. Safe for concurrent use.
type stmtCache struct {
	mu     sync.Mutex
	db     *sql.DB
	byText map[string]*sql.Stmt
	closed bool
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, byText: map[string]*sql.Stmt{}}
}

// get returns the prepared statement for query, preparing it on first use.
func (c *stmtCache) get(ctx context.Context, query string) (*sql.Stmt, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, errors.New("ledger closed")
	}
	if st, ok := c.byText[query]; ok {
		return st, nil
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.byText[query] = st
	return st, nil
}

// inTx returns query's statement bound to tx.
func (c *stmtCache) inTx(ctx context.Context, tx *sql.Tx, query string) (*sql.Stmt, error) {
	st, err := c.get(ctx, query)
	if err != nil {
		return nil, err
	}
	return tx.StmtContext(ctx, st), nil
}

// close closes every statement; get fails afterwards.
func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	var errs []error
	for _, st := range c.byText {
		errs = append(errs, st.Close())
	}
	clear(c.byText)
	return errors.Join(errs...)
}
