package bustest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/batonrun/baton/events"
)

// subscriptions route two groups of detail-types to their own receivers
// and RangeCompleted to two; JobStarted goes nowhere.
func subscriptions() []Subscription {
	return []Subscription{
		{Name: "worker", DetailTypes: []string{events.TypeRangeAssigned, events.TypeRangeContinued}},
		{Name: "aggregator", DetailTypes: []string{events.TypeRangeCompleted, events.TypeFanInRequested}},
		{Name: "observer", DetailTypes: []string{events.TypeJobSucceeded, events.TypeJobFailed, events.TypeRangeCompleted}},
	}
}

var (
	detailTypes = []string{events.TypeRangeAssigned, events.TypeRangeContinued, events.TypeRangeCompleted,
		events.TypeFanInRequested, events.TypeJobSucceeded, events.TypeJobFailed, events.TypeJobStarted}
	texts = []string{"plain ascii", "é中😀 mixed", "quote \" backslash \\ tab \t", "line sep \u2028 para \u2029",
		"<tag> & amp", "zero-width joiner 👩\u200d💻", "", "control \u0001 char"}
)

const (
	eventCount = 23
	nearSeq    = 7 // the event whose entry is just under events.MaxEntryBytes
)

// payload is the detail the suite publishes; Seq identifies the event
// after transport (EventBridge assigns its own ids).
type payload struct {
	SchemaVersion int    `json:"schemaVersion"`
	Seq           int    `json:"seq"`
	Text          string `json:"text"`
}

func testDelivery(t *testing.T, f Features, newHarness NewHarness) {
	subs := subscriptions()
	h := newHarness(t, subs)
	var envs []events.Envelope
	for i := range eventCount {
		envs = append(envs, envelope(t, i, detailTypes[i%len(detailTypes)], texts[i%len(texts)]))
	}
	envs[nearSeq] = sized(t, nearSeq, events.TypeRangeCompleted, events.MaxEntryBytes-16)
	ctx, cancel := context.WithTimeout(context.Background(), f.DeliveryTimeout)
	defer cancel()
	publish(ctx, t, f, h.Publisher, envs)
	got := collect(ctx, t, h, subs, envs)
	for _, s := range subs {
		for i, env := range envs {
			copies := got[s.Name][i]
			if !slices.Contains(s.DetailTypes, env.DetailType) {
				continue
			}
			if len(copies) == 0 {
				t.Errorf("%s: event %d (%s) never delivered", s.Name, i, env.DetailType)
			}
			for _, c := range copies {
				checkSame(t, f, s.Name, env, c)
			}
		}
	}
}

func testOverLimit(t *testing.T, f Features, newHarness NewHarness) {
	subs := subscriptions()[1:2]
	h := newHarness(t, subs)
	big := sized(t, 1, events.TypeRangeCompleted, events.MaxEntryBytes+10_000)
	envs := []events.Envelope{envelope(t, 0, events.TypeFanInRequested, "before"), big, envelope(t, 2, events.TypeRangeCompleted, "after é")}
	ctx, cancel := context.WithTimeout(context.Background(), f.DeliveryTimeout)
	defer cancel()
	err := h.Publisher.Publish(ctx, envs...)
	if !f.ClaimChecks {
		if err == nil {
			t.Fatalf("entry of %d bytes published without claim checks", events.EntryBytes(big))
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	got := collect(ctx, t, h, subs, envs)
	for i, env := range envs {
		if len(got[subs[0].Name][i]) == 0 {
			t.Errorf("event %d never delivered", i)
		}
		for _, c := range got[subs[0].Name][i] {
			checkSame(t, f, subs[0].Name, env, c)
		}
	}
	// The claim check restores the exact bytes whatever the transport did
	// to the pointer.
	for _, c := range got[subs[0].Name][1] {
		if string(c.Detail) != string(big.Detail) {
			t.Errorf("resolved over-limit detail is not byte-identical (%d bytes, want %d)", len(c.Detail), len(big.Detail))
		}
	}
}

func envelope(t *testing.T, seq int, detailType, text string) events.Envelope {
	t.Helper()
	raw, err := json.Marshal(payload{SchemaVersion: 1, Seq: seq, Text: text})
	if err != nil {
		t.Fatal(err)
	}
	var res []string
	if seq%3 == 0 {
		res = []string{fmt.Sprintf("arn:aws:s3:::baton-input/objekt-%d-ü", seq)}
	}
	return events.Envelope{Version: "0", ID: fmt.Sprintf("bustest-%d", seq), DetailType: detailType, Source: events.Source,
		Time: time.Date(2026, 11, 29, 12, 0, seq, 0, time.UTC), Resources: res, Detail: raw}
}

// sized returns an event whose entry is exactly sizeBytes by
// events.EntryBytes, its text mostly 4-byte emoji with accents between.
func sized(t *testing.T, seq int, detailType string, sizeBytes int) events.Envelope {
	t.Helper()
	env := envelope(t, seq, detailType, "")
	fill := sizeBytes - events.EntryBytes(env)
	var b strings.Builder
	for fill >= 6 {
		b.WriteString("😀é")
		fill -= 6
	}
	b.WriteString(strings.Repeat("a", fill))
	env = envelope(t, seq, detailType, b.String())
	if n := events.EntryBytes(env); n != sizeBytes {
		t.Fatalf("built an entry of %d bytes, want %d", n, sizeBytes)
	}
	return env
}

// publish sends envs in one call, or, unless the bus chunks calls itself,
// in calls within the PutEvents limits.
func publish(ctx context.Context, t *testing.T, f Features, p Publisher, envs []events.Envelope) {
	t.Helper()
	if f.ChunksCalls {
		if err := p.Publish(ctx, envs...); err != nil {
			t.Fatal(err)
		}
		return
	}
	start, size := 0, 0
	for i := 0; i <= len(envs); i++ {
		if i == len(envs) || i-start == events.MaxEntriesPerPut || size+events.EntryBytes(envs[i]) > events.MaxEntryBytes {
			if err := p.Publish(ctx, envs[start:i]...); err != nil {
				t.Fatalf("publishing events %d..%d: %v", start, i-1, err)
			}
			start, size = i, 0
		}
		if i < len(envs) {
			size += events.EntryBytes(envs[i])
		}
	}
}

// collect receives until every subscription has every event routed to it,
// or ctx ends, then receives once more to catch strays. It returns, per
// subscription and seq, every copy delivered (claim checks resolved), and
// reports events delivered where no rule sends them.
func collect(ctx context.Context, t *testing.T, h Harness, subs []Subscription, envs []events.Envelope) map[string]map[int][]events.Envelope {
	t.Helper()
	got := map[string]map[int][]events.Envelope{}
	for _, s := range subs {
		got[s.Name] = map[int][]events.Envelope{}
	}
	receive := func() {
		for _, s := range subs {
			recv, err := h.Receive(ctx, s.Name)
			if err != nil && ctx.Err() == nil {
				t.Fatalf("receiving for %s: %v", s.Name, err)
			}
			for _, env := range recv {
				if seq, resolved, ok := place(ctx, t, h, s, env, len(envs)); ok {
					got[s.Name][seq] = append(got[s.Name][seq], resolved)
				}
			}
		}
	}
	for ctx.Err() == nil && !complete(got, subs, envs) {
		receive()
		if !complete(got, subs, envs) {
			pause(ctx, 20*time.Millisecond)
		}
	}
	if ctx.Err() == nil {
		receive()
	}
	return got
}

func complete(got map[string]map[int][]events.Envelope, subs []Subscription, envs []events.Envelope) bool {
	for _, s := range subs {
		for i, env := range envs {
			if slices.Contains(s.DetailTypes, env.DetailType) && len(got[s.Name][i]) == 0 {
				return false
			}
		}
	}
	return true
}

func pause(ctx context.Context, d time.Duration) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
	case <-timer.C:
	}
}
