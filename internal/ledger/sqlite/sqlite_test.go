package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/batonrun/baton/internal/ledger/ledgertest"
	"github.com/batonrun/baton/internal/ledger/sqlite"
)

func open(t *testing.T, path string) *sqlite.Ledger {
	t.Helper()
	l, err := sqlite.Open(path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return l
}

func TestConformance(t *testing.T) {
	f := ledgertest.Features{
		Persistent: true,
		Reopen: func(t *testing.T, old ledgertest.Ledger) ledgertest.Ledger {
			path := old.(*sqlite.Ledger).Path()
			if err := old.Close(); err != nil {
				t.Fatal(err)
			}
			return open(t, path)
		},
	}
	ledgertest.Run(t, f, func(t *testing.T) ledgertest.Ledger {
		return open(t, filepath.Join(t.TempDir(), "sub", "ledger.db"))
	})
}
