package localbus_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/localbus"
)

// delayRecorder records which deliveries were delayed and by how much.
type delayRecorder struct {
	recorder
	mu     sync.Mutex
	delays []time.Duration
}

func (r *delayRecorder) InvokeAfter(fn string, payload []byte, d time.Duration) error {
	r.mu.Lock()
	r.delays = append(r.delays, d)
	r.mu.Unlock()
	return r.InvokeAsync(fn, payload)
}

// With DelayProbability 1 every delivery (both copies of a duplicate) goes
// through InvokeAfter with a delay in (0, MaxDelay].
func TestDelaysEveryDelivery(t *testing.T) {
	r := &delayRecorder{}
	b, err := localbus.New(r, localbus.Options{DelayProbability: 1, DuplicateProbability: 1, MaxDelay: 5 * time.Millisecond, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	b.Route("X", "f")
	for range 10 {
		if err := b.Publish(context.Background(), envelope(t, "X", `{}`)); err != nil {
			t.Fatal(err)
		}
	}
	if len(r.delays) != 20 || len(r.calls) != 20 {
		t.Fatalf("%d delayed of %d deliveries, want 20 of 20", len(r.delays), len(r.calls))
	}
	for _, d := range r.delays {
		if d <= 0 || d > 5*time.Millisecond {
			t.Fatalf("delay %v outside (0, 5ms]", d)
		}
	}
}

func TestDelayOptionsValidate(t *testing.T) {
	err := localbus.Options{DelayProbability: 2, MaxDelay: -1}.Validate()
	if err == nil {
		t.Fatal("want errors")
	}
	_ = events.Envelope{}
}
