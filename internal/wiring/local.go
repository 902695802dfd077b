package wiring

import (
	"fmt"
	"path/filepath"

	"github.com/batonrun/baton/internal/ledger/sqlite"
	"github.com/batonrun/baton/internal/objstore/localfs"
)

// localDeps builds the local backend: the SQLite ledger in the state
// directory, local files, and no bus.
func localDeps(c Config) (Deps, error) {
	l, err := sqlite.Open(filepath.Join(c.StateDir, "ledger.db"), sqlite.Options{})
	if err != nil {
		return Deps{}, fmt.Errorf("opening ledger: %w", err)
	}
	store, err := localfs.New(localfs.Options{})
	if err != nil {
		return Deps{}, err
	}
	return Deps{Config: c, Store: store, Ledger: l, Bus: NoBus{}}, nil
}
