package sqlite_test

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/batonrun/baton/internal/ledger/sqlite"
)

func TestOptionsValidate(t *testing.T) {
	if err := (sqlite.Options{}).Validate(); err != nil {
		t.Errorf("zero Options: %v", err)
	}
	err := (sqlite.Options{BusyTimeout: -time.Second}).Validate()
	if err == nil || !strings.Contains(err.Error(), "BusyTimeout") {
		t.Errorf("negative BusyTimeout: error = %v, want one naming BusyTimeout", err)
	}
	if _, err := sqlite.Open(filepath.Join(t.TempDir(), "x.db"), sqlite.Options{BusyTimeout: -1}); err == nil {
		t.Error("Open accepted invalid Options")
	}
}

func TestOpenRejectsBadPath(t *testing.T) {
	for _, p := range []string{"", filepath.Join(t.TempDir(), "a?b.db")} {
		if _, err := sqlite.Open(p, sqlite.Options{}); err == nil {
			t.Errorf("Open(%q) succeeded", p)
		}
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.db")
	l := open(t, path)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE schema_version SET version = 99`); err != nil {
		t.Fatal(err)
	}
	_ = db.Close()
	if _, err := sqlite.Open(path, sqlite.Options{}); err == nil || !strings.Contains(err.Error(), "99") {
		t.Errorf("Open of a newer schema: error = %v, want one naming version 99", err)
	}
}
