package dynamo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"time"

	"github.com/batonrun/baton/internal/backoff"

	"github.com/batonrun/baton/internal/ledger"
)

// Ledger is a ledger stored in one DynamoDB table. Safe for concurrent use
// by many goroutines and many processes (Lambda containers): appends to one
// job are serialised by the conditional write on its meta item.
type Ledger struct {
	client Client
	table  string
	opts   Options
}

// tableName is DynamoDB's rule for table names.
var tableName = regexp.MustCompile(`^[a-zA-Z0-9_.-]{3,255}$`)

// New returns a ledger on the existing table (see CreateTable for its
// schema). It makes no request. Errors: a nil client, a table name that
// breaks DynamoDB's naming rule (3-255 of a-z, A-Z, 0-9, '_', '-', '.'),
// or invalid Options.
func New(client Client, table string, o Options) (*Ledger, error) {
	var errs []error
	if client == nil {
		errs = append(errs, errors.New("dynamo ledger: nil client"))
	}
	if !tableName.MatchString(table) {
		errs = append(errs, fmt.Errorf("dynamo ledger: table name %q is not 3-255 characters of a-z, A-Z, 0-9, '_', '-', '.'", table))
	}
	errs = append(errs, o.Validate())
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &Ledger{client: client, table: table, opts: o.withDefaults()}, nil
}

// Table returns the table name given to New.
func (l *Ledger) Table() string { return l.table }

// Close does nothing: the SDK client belongs to the caller.
func (l *Ledger) Close() error { return nil }

// Append adds entries to jobID's log atomically in one transaction: all of
// them or none. See ledger.Prepare for validation (including the limit of
// ledger.MaxAppendEntries); an entry keyed MetaItem is refused as well.
// Seq is assigned in argument order continuing the job's log, starting at 1.
//
// Errors: *ledger.ConflictError naming the keys that already exist
// (errors.Is ledger.ErrConflict), with nothing written; an error wrapping
// ErrRetryable when DynamoDB throttled the request or the job's counter kept
// moving for Options.MaxAttempts tries (nothing written; retrying later may
// succeed); a plain error for a detail too large to store (naming its key
// and size) and for other permanent failures.
func (l *Ledger) Append(ctx context.Context, jobID string, entries ...ledger.Entry) error {
	prepared, err := ledger.Prepare(jobID, entries)
	if err != nil {
		return err
	}
	for i, e := range prepared {
		if e.Key == MetaItem {
			return fmt.Errorf("dynamo ledger: job %s: entry %d: key %s is reserved for the job's meta item", jobID, i, MetaItem)
		}
	}
	if len(prepared) == 0 {
		return nil
	}
	details, err := l.planDetails(jobID, prepared)
	if err != nil {
		return err
	}
	if err := l.putBlobs(ctx, jobID, prepared, details); err != nil {
		return err
	}
	for attempt := 1; ; attempt++ {
		raced, err := l.tryAppend(ctx, jobID, prepared, details)
		if !raced {
			return err
		}
		if attempt >= l.opts.MaxAttempts {
			return fmt.Errorf("dynamo ledger: job %s: counter still moving after %d attempts: %w: %w", jobID, attempt, ErrRetryable, err)
		}
		if err := backoff.Sleep(ctx, retryDelay(attempt)); err != nil {
			return fmt.Errorf("dynamo ledger: job %s: %w", jobID, err)
		}
	}
}

// tryAppend makes one transaction; raced reports a lost race for the
// job's counter, worth another try.
func (l *Ledger) tryAppend(ctx context.Context, jobID string, es []ledger.Entry, ds []storedDetail) (raced bool, err error) {
	m, err := l.readMeta(ctx, jobID)
	if err != nil {
		return false, err
	}
	in := l.transaction(jobID, m, es, ds)
	if _, err = l.client.TransactWriteItems(ctx, in); err == nil {
		return false, nil
	}
	return l.classify(ctx, jobID, es, err)
}

// retryDelay is the pause before attempt+1: exponential from 2 ms, capped at
// 100 ms, with full jitter so that racing appenders spread out.
func retryDelay(attempt int) time.Duration {
	d := 2 * time.Millisecond << min(attempt, 6)
	d = min(d, 100*time.Millisecond)
	return time.Duration(rand.Int64N(int64(d)) + 1)
}
