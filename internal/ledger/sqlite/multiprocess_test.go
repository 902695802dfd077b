package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/batonrun/baton/internal/ledger"
	"github.com/batonrun/baton/internal/ledger/sqlite"
)

const (
	helperEnv     = "BATON_LEDGER_HELPER_DB"
	helperIDEnv   = "BATON_LEDGER_HELPER_ID"
	perProcess    = 60
	raceKey       = "range/000001/ckpt/000001"
	helperWon     = "WON"
	helperLost    = "LOST"
	helperProcess = "TestHelperProcess"
)

// TestHelperProcess is not a test: TestMultiProcess runs the test binary
// again with helperEnv set, and this appends from that other process.
func TestHelperProcess(t *testing.T) {
	path := os.Getenv(helperEnv)
	if path == "" {
		t.Skip("helper for TestMultiProcess")
	}
	id := os.Getenv(helperIDEnv)
	l, err := sqlite.Open(path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx := context.Background()
	for i := range perProcess {
		e := ledger.Entry{Key: fmt.Sprintf("p%s/%03d", id, i), DetailType: "T", Detail: []byte(`{}`)}
		if err := l.Append(ctx, "j1", e); err != nil {
			t.Fatalf("process %s append %d: %v", id, i, err)
		}
		if _, err := l.List(ctx, "j1", ""); err != nil {
			t.Fatalf("process %s list: %v", id, err)
		}
	}
	err = l.Append(ctx, "j1", ledger.Entry{Key: raceKey, DetailType: id})
	switch {
	case err == nil:
		fmt.Println(helperWon)
	case errors.Is(err, ledger.ErrConflict):
		fmt.Println(helperLost)
	default:
		t.Fatalf("process %s race append: %v", id, err)
	}
}

// TestMultiProcess appends from several processes to one file at once (as
// `baton events` reads while a run writes): none may fail with SQLITE_BUSY,
// every entry lands, and exactly one process wins the shared key.
func TestMultiProcess(t *testing.T) {
	if os.Getenv(helperEnv) != "" {
		t.Skip("inside helper")
	}
	path := filepath.Join(t.TempDir(), "ledger.db")
	const procs = 4
	cmds := make([]*exec.Cmd, procs)
	outs := make([]*strings.Builder, procs)
	for p := range procs {
		cmd := exec.Command(os.Args[0], "-test.run=^"+helperProcess+"$", "-test.count=1")
		cmd.Env = append(os.Environ(), helperEnv+"="+path, helperIDEnv+"="+strconv.Itoa(p))
		outs[p] = &strings.Builder{}
		cmd.Stdout, cmd.Stderr = outs[p], outs[p]
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds[p] = cmd
	}
	won := 0
	for p, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("process %d: %v\n%s", p, err, outs[p])
		}
		if strings.Contains(outs[p].String(), helperWon) {
			won++
		} else if !strings.Contains(outs[p].String(), helperLost) {
			t.Fatalf("process %d printed neither outcome:\n%s", p, outs[p])
		}
	}
	if won != 1 {
		t.Errorf("%d processes won the shared key, want exactly 1", won)
	}
	l := open(t, path)
	all, err := l.List(context.Background(), "j1", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != procs*perProcess+1 {
		t.Fatalf("entries = %d, want %d", len(all), procs*perProcess+1)
	}
	for i, e := range all {
		if e.Seq != int64(i+1) {
			t.Fatalf("entry %d (%s) seq = %d, want %d", i, e.Key, e.Seq, i+1)
		}
	}
}
