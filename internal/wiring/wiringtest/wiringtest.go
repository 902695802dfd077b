// Package wiringtest gives the function mains' tests in-memory Deps and the
// golden events of events/testdata, so each main can be tested through
// lambda.Handler.Invoke with the JSON Lambda would deliver.
package wiringtest

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/claimcheck/claimchecktest"
	"github.com/batonrun/baton/internal/ledger/memory"
	objmem "github.com/batonrun/baton/internal/objstore/memory"
	"github.com/batonrun/baton/internal/wiring"
)

// Recorder is a bus that keeps every published event. Safe for concurrent
// use.
type Recorder struct {
	mu   sync.Mutex
	envs []events.Envelope
}

// Publish records envs.
func (r *Recorder) Publish(_ context.Context, envs ...events.Envelope) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.envs = append(r.envs, envs...)
	return nil
}

// Published returns the recorded events of detailType, in order.
func (r *Recorder) Published(detailType string) []events.Envelope {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []events.Envelope
	for _, e := range r.envs {
		if e.DetailType == detailType {
			out = append(out, e)
		}
	}
	return out
}

// All returns every recorded event, in order.
func (r *Recorder) All() []events.Envelope {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]events.Envelope(nil), r.envs...)
}

// Env is a set of in-memory adapters and the Deps built on them.
type Env struct {
	Store  *objmem.Store
	Ledger *memory.Ledger
	Bus    *Recorder
	Blobs  *claimchecktest.Memory
	Deps   wiring.Deps
}

// New returns fresh in-memory Deps with config c.
func New(c wiring.Config) *Env {
	e := &Env{Store: objmem.New(objmem.Options{}), Ledger: memory.New(), Bus: &Recorder{}, Blobs: &claimchecktest.Memory{}}
	e.Deps = wiring.Deps{Config: c, Store: e.Store, Ledger: e.Ledger, Bus: e.Bus, Blobs: e.Blobs}
	return e
}

// Golden returns events/testdata/<name>.json, with patch applied to its
// decoded detail (nil: unchanged), re-encoded as the JSON Lambda delivers.
func Golden(t testing.TB, name string, patch func(detail map[string]any)) []byte {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	raw, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "..", "..", "events", "testdata", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	if patch == nil {
		return raw
	}
	var env map[string]any
	if err := json.Unmarshal(raw, &env); err != nil {
		t.Fatal(err)
	}
	patch(env["detail"].(map[string]any))
	out, err := json.Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Payload returns env as the JSON Lambda delivers.
func Payload(t testing.TB, env events.Envelope) []byte {
	t.Helper()
	b, err := json.Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
