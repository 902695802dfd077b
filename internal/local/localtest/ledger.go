// Package localtest reads what a local job left in its state directory's
// SQLite ledger, for tests that check a run's counts.
package localtest

import (
	"context"
	"testing"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/joblog"
	"github.com/batonrun/baton/internal/ledger"
	"github.com/batonrun/baton/internal/ledger/sqlite"
	"github.com/batonrun/baton/internal/local"
)

// Entries returns jobID's entries whose item key starts with prefix ("" for
// all) from the ledger under stateDir. It fails t on any error.
func Entries(t testing.TB, stateDir, jobID, prefix string) []ledger.Entry {
	t.Helper()
	l, err := sqlite.Open(local.LedgerPath(stateDir), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	es, err := l.List(context.Background(), jobID, prefix)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// CheckpointsPerRange counts jobID's committed checkpoints by range index:
// the invocations each range took.
func CheckpointsPerRange(t testing.TB, stateDir, jobID string) map[int]int {
	t.Helper()
	per := map[int]int{}
	for _, e := range Entries(t, stateDir, jobID, joblog.PrefixCkpt) {
		var c events.CheckpointCommitted
		if err := joblog.Decode(e, &c); err != nil {
			t.Fatal(err)
		}
		per[c.RangeIndex]++
	}
	return per
}
