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
	"time"

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

// Take removes and returns the recorded events of detailType ("" = all),
// in order: the events a test delivers by hand, or treats as lost.
func (r *Recorder) Take(detailType string) []events.Envelope {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out, rest []events.Envelope
	for _, e := range r.envs {
		if detailType == "" || e.DetailType == detailType {
			out = append(out, e)
		} else {
			rest = append(rest, e)
		}
	}
	r.envs = rest
	return out
}

// SlowClock is a fake clock on which every batch takes Step: as a worker's
// Options.Now and Options.Progress, with a context deadline a little over
// Step away, it makes an invocation stop after one batch and hand on.
// Safe for concurrent use.
type SlowClock struct {
	mu   sync.Mutex
	now  time.Time
	Step time.Duration
}

// NewSlowClock starts at start with batches of step.
func NewSlowClock(start time.Time, step time.Duration) *SlowClock {
	return &SlowClock{now: start, Step: step}
}

// Now reads the clock.
func (c *SlowClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

// BatchDone advances the clock by Step (worker.Progress).
func (c *SlowClock) BatchDone(string, int, int64, int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(c.Step)
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
