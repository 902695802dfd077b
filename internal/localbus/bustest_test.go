package localbus_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/bus/bustest"
	"github.com/batonrun/baton/internal/localbus"
)

// payloads is an Invoker that keeps every payload per function, as the
// runtime would receive it.
type payloads struct {
	mu sync.Mutex
	by map[string][][]byte
}

func (p *payloads) InvokeAsync(fn string, payload []byte) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.by[fn] = append(p.by[fn], append([]byte(nil), payload...))
	return nil
}

// take decodes and forgets the payloads delivered to fn so far.
func (p *payloads) take(_ context.Context, fn string) ([]events.Envelope, error) {
	p.mu.Lock()
	raw := p.by[fn]
	delete(p.by, fn)
	p.mu.Unlock()
	out := make([]events.Envelope, 0, len(raw))
	for i, b := range raw {
		var env events.Envelope
		if err := json.Unmarshal(b, &env); err != nil {
			return nil, fmt.Errorf("payload %d for %s: %w", i, fn, err)
		}
		out = append(out, env)
	}
	return out, nil
}

func TestBusConformance(t *testing.T) {
	for _, dup := range []float64{0, 0.5} {
		t.Run(fmt.Sprintf("duplicates=%v", dup), func(t *testing.T) {
			bustest.TestBus(t, bustest.Features{}, func(t *testing.T, subs []bustest.Subscription) bustest.Harness {
				inv := &payloads{by: map[string][][]byte{}}
				b, err := localbus.New(inv, localbus.Options{DuplicateProbability: dup, Seed: 7})
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range subs {
					for _, dt := range s.DetailTypes {
						b.Route(dt, s.Name)
					}
				}
				return bustest.Harness{Publisher: b, Receive: inv.take}
			})
		})
	}
}
