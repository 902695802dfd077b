// Package ledgertest is the conformance suite for ledger adapters, modelled
// on watermill's pubsub/tests: every adapter runs Run from its own _test.go,
// opting out of what it lacks through Features.
package ledgertest

import (
	"context"
	"testing"

	"github.com/batonrun/baton/internal/ledger"
)

// Ledger is the full ledger behaviour the suite checks. Consumers declare
// the subsets they need.
type Ledger interface {
	Append(ctx context.Context, jobID string, entries ...ledger.Entry) error
	Get(ctx context.Context, jobID, key string) (ledger.Entry, error)
	List(ctx context.Context, jobID, keyPrefix string) ([]ledger.Entry, error)
	Count(ctx context.Context, jobID, keyPrefix string) (int, error)
	Jobs(ctx context.Context) ([]ledger.JobSummary, error)
	Close() error
}

// Features lets an adapter skip what it lacks.
type Features struct {
	// Persistent adapters keep entries across Close and reopen. Reopen must
	// then be set.
	Persistent bool
	// Reopen closes old and opens the same store again, registering its own
	// cleanup. Used only when Persistent.
	Reopen func(t *testing.T, old Ledger) Ledger
	// Goroutines is how many goroutines the race tests use; 0 means 16.
	Goroutines int
	// Retryable, when set, reports an Append error that the adapter
	// documents as "nothing written, try again" (DynamoDB's counter race
	// lost too often under load). The race tests retry such an Append, as
	// a caller does, up to appendRetries times; every other error counts.
	Retryable func(error) bool
}

// Run checks an adapter. newLedger returns a fresh, empty ledger and
// registers its own cleanup (the suite never calls Close itself).
func Run(t *testing.T, f Features, newLedger func(t *testing.T) Ledger) {
	t.Helper()
	if f.Goroutines == 0 {
		f.Goroutines = 16
	}
	tests := []struct {
		name string
		fn   func(*testing.T, Features, func(*testing.T) Ledger)
	}{
		{"AppendGet", testAppendGet},
		{"GetMissing", testGetMissing},
		{"ListPrefixCount", testListPrefixCount},
		{"AtomicConflict", testAtomicConflict},
		{"DuplicateKeyInCall", testDuplicateInCall},
		{"SeqOrder", testSeqOrder},
		{"EmptyAppend", testEmptyAppend},
		{"TooManyEntries", testTooManyEntries},
		{"InvalidInput", testInvalidInput},
		{"DetailRoundTrip", testDetailRoundTrip},
		{"TimeUTC", testTimeUTC},
		{"JobsIsolation", testJobsIsolation},
		{"JobsSummary", testJobsSummary},
		{"ConcurrentSameKey", testConcurrentSameKey},
		{"ConcurrentDistinctKeys", testConcurrentDistinct},
		{"Reopen", testReopen},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, f, newLedger) })
	}
}
