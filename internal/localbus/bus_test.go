package localbus_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/localbus"
)

// recorder is an Invoker that records every delivery.
type recorder struct {
	mu    sync.Mutex
	calls []string // "fn:detail-type"
}

func (r *recorder) InvokeAsync(fn string, payload []byte) error {
	var env events.Envelope
	if err := json.Unmarshal(payload, &env); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, fn+":"+env.DetailType)
	return nil
}

func envelope(t *testing.T, detailType string, detail string) events.Envelope {
	t.Helper()
	return events.Envelope{Version: "0", DetailType: detailType, Source: events.Source, Time: time.Now(), Detail: json.RawMessage(detail)}
}

func newBus(t *testing.T, o localbus.Options) (*localbus.Bus, *recorder) {
	t.Helper()
	r := &recorder{}
	b, err := localbus.New(r, o)
	if err != nil {
		t.Fatal(err)
	}
	b.Route("A", "fa")
	b.Route("B", "fb")
	return b, r
}

func TestRoutesByDetailType(t *testing.T) {
	b, r := newBus(t, localbus.Options{})
	err := b.Publish(context.Background(), envelope(t, "A", `{}`), envelope(t, "B", `{}`), envelope(t, "C", `{}`))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"fa:A", "fb:B"}
	if strings.Join(r.calls, ",") != strings.Join(want, ",") {
		t.Fatalf("deliveries %v, want %v (C has no rule)", r.calls, want)
	}
}

func TestRejectsMoreThanTenEntries(t *testing.T) {
	b, r := newBus(t, localbus.Options{})
	envs := make([]events.Envelope, 11)
	for i := range envs {
		envs[i] = envelope(t, "A", `{}`)
	}
	if err := b.Publish(context.Background(), envs...); !errors.Is(err, localbus.ErrTooManyEntries) {
		t.Fatalf("got %v", err)
	}
	if len(r.calls) != 0 {
		t.Fatalf("delivered %d events from a rejected call", len(r.calls))
	}
	if err := b.Publish(context.Background(), envs[:10]...); err != nil {
		t.Fatalf("10 entries: %v", err)
	}
}

func TestEntrySizeCountsUTF8Bytes(t *testing.T) {
	b, _ := newBus(t, localbus.Options{})
	// Each emoji is 4 UTF-8 bytes: 65,536 of them alone exceed 256 KB,
	// though they are only 65,536 runes.
	big := `{"s":"` + strings.Repeat("😀", events.MaxEntryBytes/4) + `"}`
	if err := b.Publish(context.Background(), envelope(t, "A", big)); !errors.Is(err, localbus.ErrEntryTooLarge) {
		t.Fatalf("got %v", err)
	}
	fits := `{"s":"` + strings.Repeat("😀", (events.MaxEntryBytes-200)/4) + `"}`
	if err := b.Publish(context.Background(), envelope(t, "A", fits)); err != nil {
		t.Fatalf("entry under the limit: %v", err)
	}
}

func TestDuplicateDelivery(t *testing.T) {
	b, r := newBus(t, localbus.Options{DuplicateProbability: 1})
	if err := b.Publish(context.Background(), envelope(t, "A", `{}`)); err != nil {
		t.Fatal(err)
	}
	if len(r.calls) != 2 {
		t.Fatalf("deliveries %v, want 2", r.calls)
	}
	pub, del := b.Counts()
	if pub != 1 || del != 2 {
		t.Fatalf("counts %d/%d", pub, del)
	}
}

func TestRejectsInvalidEntries(t *testing.T) {
	b, _ := newBus(t, localbus.Options{})
	for name, env := range map[string]events.Envelope{
		"no detail-type": envelope(t, "", `{}`),
		"bad json":       envelope(t, "A", `{`),
	} {
		if err := b.Publish(context.Background(), env); !errors.Is(err, localbus.ErrInvalidEntry) {
			t.Errorf("%s: got %v", name, err)
		}
	}
	if _, err := localbus.New(&recorder{}, localbus.Options{DuplicateProbability: 2}); err == nil {
		t.Error("probability 2 accepted")
	}
}

func TestObserversSeeEveryEvent(t *testing.T) {
	b, _ := newBus(t, localbus.Options{})
	var seen []string
	b.Observe(func(e events.Envelope) { seen = append(seen, e.DetailType) })
	if err := b.Publish(context.Background(), envelope(t, "C", `{}`)); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 || seen[0] != "C" {
		t.Fatalf("observed %v", seen)
	}
}
