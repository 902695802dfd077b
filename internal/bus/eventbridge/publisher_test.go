package eventbridge_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/bus/eventbridge"
	"github.com/batonrun/baton/internal/claimcheck"
	"github.com/batonrun/baton/internal/claimcheck/claimchecktest"
)

func newPublisher(t *testing.T, api eventbridge.PutEventsAPI, o eventbridge.Options) *eventbridge.Publisher {
	t.Helper()
	p, err := eventbridge.New(api, o)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// checkBatches asserts the calls carry envs in order, each call within the
// PutEvents limits, and each call full: the next call's first entry would
// not have fit.
func checkBatches(t *testing.T, c *capture, envs []events.Envelope) {
	t.Helper()
	var sent []string
	for k, call := range c.calls {
		size := 0
		for _, e := range call {
			size += refSize(e)
			sent = append(sent, aws.ToString(e.Detail))
		}
		if len(call) > events.MaxEntriesPerPut || size > events.MaxEntryBytes {
			t.Errorf("call %d: %d entries, %d bytes; limits %d and %d", k, len(call), size, events.MaxEntriesPerPut, events.MaxEntryBytes)
		}
		if k+1 < len(c.calls) && len(call) < events.MaxEntriesPerPut && size+refSize(c.calls[k+1][0]) <= events.MaxEntryBytes {
			t.Errorf("call %d (%d entries, %d bytes) was closed though the next entry (%d bytes) fits", k, len(call), size, refSize(c.calls[k+1][0]))
		}
	}
	var want []string
	for _, e := range envs {
		want = append(want, string(e.Detail))
	}
	if !slices.Equal(sent, want) {
		t.Errorf("sent %d details, want the %d published, in order", len(sent), len(want))
	}
}

func TestChunksByCount(t *testing.T) {
	c := &capture{}
	var envs []events.Envelope
	for i := range 25 {
		envs = append(envs, envelope("A", fmt.Sprint(i), fmt.Sprintf(`{"i":%d}`, i)))
	}
	if err := newPublisher(t, c, eventbridge.Options{}).Publish(context.Background(), envs...); err != nil {
		t.Fatal(err)
	}
	checkBatches(t, c, envs)
	var counts []int
	for _, call := range c.calls {
		counts = append(counts, len(call))
	}
	if !slices.Equal(counts, []int{10, 10, 5}) {
		t.Fatalf("call sizes %v, want [10 10 5]", counts)
	}
}

func TestChunksByUTF8Bytes(t *testing.T) {
	const half = events.MaxEntryBytes / 2
	sizes := []int{half, half, half + 1, half, 100, events.MaxEntryBytes, 50}
	var envs []events.Envelope
	for _, n := range sizes {
		envs = append(envs, sized("RangeCompleted", n))
	}
	for i, e := range envs {
		if got := events.EntryBytes(e); got != sizes[i] {
			t.Fatalf("entry %d: EntryBytes %d, built for %d", i, got, sizes[i])
		}
	}
	c := &capture{}
	if err := newPublisher(t, c, eventbridge.Options{}).Publish(context.Background(), envs...); err != nil {
		t.Fatal(err)
	}
	checkBatches(t, c, envs)
	for k, call := range c.calls {
		for _, e := range call {
			if n := refSize(e); !slices.Contains(sizes, n) {
				t.Errorf("call %d: an entry of %d bytes was not published", k, n)
			}
		}
	}
	// Two halves fill a call exactly; one byte more does not fit.
	want := [][]int{{0, 1}, {2}, {3, 4}, {5}, {6}}
	var got [][]int
	i := 0
	for _, call := range c.calls {
		var idx []int
		for range call {
			idx = append(idx, i)
			i++
		}
		got = append(got, idx)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("batches %v, want %v", got, want)
	}
}

func TestChunksManyEmojiEntries(t *testing.T) {
	// 30 entries of 40,000 emoji each: 160,000 bytes but 40,000 runes, so
	// a rune count would pack six per call; bytes allow one.
	var envs []events.Envelope
	for i := range 30 {
		envs = append(envs, envelope("A", "", fmt.Sprintf(`{"i":%d,"s":"%s"}`, i, strings.Repeat("😀", 40_000))))
	}
	c := &capture{}
	if err := newPublisher(t, c, eventbridge.Options{}).Publish(context.Background(), envs...); err != nil {
		t.Fatal(err)
	}
	checkBatches(t, c, envs)
	if len(c.calls) != 30 {
		t.Fatalf("%d calls for 30 entries of 160 KB", len(c.calls))
	}
}

func TestEntryFields(t *testing.T) {
	c := &capture{}
	env := envelope("JobStarted", "id-1", `{"schemaVersion":1}`)
	env.Resources = []string{"arn:aws:s3:::bucket/key"}
	noTime := envelope("A", "", `{}`)
	noTime.Time = time.Time{}
	if err := newPublisher(t, c, eventbridge.Options{BusName: "baton-bus"}).Publish(context.Background(), env, noTime); err != nil {
		t.Fatal(err)
	}
	got := c.calls[0][0]
	if aws.ToString(got.Source) != "baton" || aws.ToString(got.DetailType) != "JobStarted" || aws.ToString(got.Detail) != `{"schemaVersion":1}` ||
		!got.Time.Equal(at) || !slices.Equal(got.Resources, env.Resources) || aws.ToString(got.EventBusName) != "baton-bus" {
		t.Fatalf("entry %+v does not carry the envelope", got)
	}
	if c.calls[0][1].Time != nil {
		t.Fatal("a zero time was sent")
	}
	c2 := &capture{}
	if err := newPublisher(t, c2, eventbridge.Options{}).Publish(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	if c2.calls[0][0].EventBusName != nil {
		t.Fatal("EventBusName set without a bus name")
	}
}

func TestTraceHeaderOnlyWhenProvided(t *testing.T) {
	type key struct{}
	provider := func(ctx context.Context) string { s, _ := ctx.Value(key{}).(string); return s }
	traced := context.WithValue(context.Background(), key{}, "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1")
	for _, tc := range []struct {
		name string
		o    eventbridge.Options
		ctx  context.Context
		want string
	}{
		{"no provider", eventbridge.Options{}, traced, ""},
		{"no trace", eventbridge.Options{TraceHeader: provider}, context.Background(), ""},
		{"trace", eventbridge.Options{TraceHeader: provider}, traced, provider(traced)},
	} {
		c := &capture{}
		if err := newPublisher(t, c, tc.o).Publish(tc.ctx, envelope("A", "", `{}`), envelope("B", "", `{}`)); err != nil {
			t.Fatal(err)
		}
		for _, e := range c.calls[0] {
			if (e.TraceHeader == nil) != (tc.want == "") || aws.ToString(e.TraceHeader) != tc.want {
				t.Errorf("%s: TraceHeader %v, want %q", tc.name, e.TraceHeader, tc.want)
			}
		}
	}
}

func TestRejectsInvalidEntriesBeforeSending(t *testing.T) {
	for name, env := range map[string]events.Envelope{
		"no detail-type": envelope("", "", `{}`),
		"no source":      {DetailType: "A", Detail: []byte(`{}`)},
		"bad json":       envelope("A", "", `{`),
	} {
		c := &capture{}
		err := newPublisher(t, c, eventbridge.Options{}).Publish(context.Background(), envelope("A", "", `{}`), env)
		if !errors.Is(err, eventbridge.ErrInvalidEntry) || len(c.calls) != 0 || !strings.Contains(err.Error(), "entry 1") {
			t.Errorf("%s: got %v after %d calls", name, err, len(c.calls))
		}
	}
}

func TestOversizedEntryNeedsClaimCheckStore(t *testing.T) {
	c := &capture{}
	big := sized("RangeCompleted", events.MaxEntryBytes+1)
	err := newPublisher(t, c, eventbridge.Options{}).Publish(context.Background(), envelope("A", "", `{}`), big)
	if !errors.Is(err, eventbridge.ErrEntryTooLarge) || len(c.calls) != 0 {
		t.Fatalf("got %v after %d calls", err, len(c.calls))
	}
	for _, s := range []string{"RangeCompleted", fmt.Sprint(events.MaxEntryBytes + 1)} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not name %s", err, s)
		}
	}
}

func TestOversizedEntryTravelsAsClaimCheck(t *testing.T) {
	ctx := context.Background()
	mem := &claimchecktest.Memory{}
	c := &capture{}
	big := envelope("RangeCompleted", "big", `{"schemaVersion":1,"s":"`+strings.Repeat("😀é", 60_000)+`"}`)
	small := envelope("A", "", `{"k":"中"}`)
	p := newPublisher(t, c, eventbridge.Options{Blobs: mem, PayloadBucket: "payloads"})
	if err := p.Publish(ctx, small, big); err != nil {
		t.Fatal(err)
	}
	if len(c.calls) != 1 || len(c.calls[0]) != 2 {
		t.Fatalf("calls %d, want one call with both entries", len(c.calls))
	}
	sent := c.calls[0][1]
	if n := refSize(sent); n > 1024 {
		t.Fatalf("claim-check entry is %d bytes", n)
	}
	if aws.ToString(sent.DetailType) != "RangeCompleted" || aws.ToString(c.calls[0][0].Detail) != string(small.Detail) {
		t.Fatalf("entries changed beyond the big detail: %+v", c.calls[0])
	}
	received := envelope(aws.ToString(sent.DetailType), "", aws.ToString(sent.Detail))
	if !events.IsClaimCheck(received.Detail) {
		t.Fatalf("sent detail %s is not a claim check", received.Detail)
	}
	resolved, err := claimcheck.Resolve(ctx, mem, received)
	if err != nil {
		t.Fatal(err)
	}
	if string(resolved.Detail) != string(big.Detail) {
		t.Fatal("resolved detail differs from the published bytes")
	}
}

func TestOptionsValidate(t *testing.T) {
	err := eventbridge.Options{MaxAttempts: -1, BaseDelay: -1, PayloadBucket: "b"}.Validate()
	for _, s := range []string{"max attempts", "delays", "Blobs"} {
		if err == nil || !strings.Contains(err.Error(), s) {
			t.Errorf("Validate() = %v, want a problem about %s", err, s)
		}
	}
	if _, err := eventbridge.New(&capture{}, eventbridge.Options{Blobs: &claimchecktest.Memory{}}); err == nil {
		t.Error("Blobs without PayloadBucket accepted")
	}
	if err := (eventbridge.Options{}).Validate(); err != nil {
		t.Errorf("zero options: %v", err)
	}
}
