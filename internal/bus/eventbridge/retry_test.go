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
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/bus/eventbridge"
)

func numbered(n int, detailType func(i int) string) []events.Envelope {
	var envs []events.Envelope
	for i := range n {
		envs = append(envs, envelope(detailType(i), fmt.Sprintf("id-%d", i), fmt.Sprintf(`{"i":%d}`, i)))
	}
	return envs
}

func TestPartialFailureRetriesOnlyFailedEntriesInOrder(t *testing.T) {
	// Call 0 fails entries 1 and 3; call 1 fails its second entry (3).
	c := &capture{fail: func(call, i int, e types.PutEventsRequestEntry) string {
		d := aws.ToString(e.Detail)
		switch {
		case call == 0 && (d == `{"i":1}` || d == `{"i":3}`):
			return "ThrottlingException"
		case call == 1 && d == `{"i":3}`:
			return "InternalFailure"
		}
		return ""
	}}
	s := &sleeps{}
	base := 10 * time.Millisecond
	envs := numbered(5, func(int) string { return "A" })
	var retried []int
	p := newPublisher(t, c, eventbridge.Options{BaseDelay: base, Sleep: s.sleep, OnRetry: func(_ context.Context, n int) { retried = append(retried, n) }})
	if err := p.Publish(context.Background(), envs...); err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{`{"i":0}`, `{"i":1}`, `{"i":2}`, `{"i":3}`, `{"i":4}`},
		{`{"i":1}`, `{"i":3}`},
		{`{"i":3}`},
	}
	if got := c.details(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("calls %v, want %v", got, want)
	}
	if fmt.Sprint(retried) != "[2 1]" {
		t.Errorf("OnRetry saw %v, want [2 1]", retried)
	}
	if len(s.d) != 2 || s.d[0] < base/2 || s.d[0] > base || s.d[1] < base || s.d[1] > 2*base {
		t.Fatalf("backoff %v, want one in [%v,%v] then one in [%v,%v]", s.d, base/2, base, base, 2*base)
	}
}

func TestExhaustedRetriesNameEachFailedEntry(t *testing.T) {
	c := &capture{fail: func(_, _ int, e types.PutEventsRequestEntry) string {
		switch aws.ToString(e.DetailType) {
		case "B":
			return "ThrottlingException"
		case "C":
			return "MalformedDetail"
		}
		return ""
	}}
	s := &sleeps{}
	kinds := []string{"A", "B", "C", "A", "B"}
	envs := numbered(len(kinds), func(i int) string { return kinds[i] })
	err := newPublisher(t, c, eventbridge.Options{MaxAttempts: 3, Sleep: s.sleep}).Publish(context.Background(), envs...)
	var pe *eventbridge.PublishError
	if !errors.As(err, &pe) || !errors.Is(err, eventbridge.ErrEntriesFailed) {
		t.Fatalf("got %v, want *PublishError", err)
	}
	var got []string
	for _, f := range pe.Entries {
		got = append(got, fmt.Sprintf("%d %s %s %s %v", f.Index, f.DetailType, f.EventID, f.ErrorCode, f.Retryable))
	}
	want := []string{"1 B id-1 ThrottlingException true", "2 C id-2 MalformedDetail false", "4 B id-4 ThrottlingException true"}
	if !slices.Equal(got, want) || pe.Attempts != 3 || pe.Retryable() {
		t.Fatalf("failed entries %q after %d attempts (retryable %v), want %q after 3", got, pe.Attempts, pe.Retryable(), want)
	}
	for _, s := range []string{"entry 1 (B, id \"id-1\"): ThrottlingException", "entry 2 (C", "MalformedDetail"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q lacks %q", err, s)
		}
	}
	// The permanent failure is not retried; the throttled ones are, alone.
	wantCalls := [][]string{
		{`{"i":0}`, `{"i":1}`, `{"i":2}`, `{"i":3}`, `{"i":4}`},
		{`{"i":1}`, `{"i":4}`},
		{`{"i":1}`, `{"i":4}`},
	}
	if got := c.details(); fmt.Sprint(got) != fmt.Sprint(wantCalls) || len(s.d) != 2 {
		t.Fatalf("calls %v with %d waits, want %v with 2", got, len(s.d), wantCalls)
	}
}

func TestDefaultMaxAttempts(t *testing.T) {
	c := &capture{fail: func(int, int, types.PutEventsRequestEntry) string { return "InternalFailure" }}
	s := &sleeps{}
	err := newPublisher(t, c, eventbridge.Options{Sleep: s.sleep}).Publish(context.Background(), envelope("A", "", `{}`))
	if !errors.Is(err, eventbridge.ErrEntriesFailed) || len(c.calls) != eventbridge.DefaultMaxAttempts {
		t.Fatalf("got %v after %d calls, want %d", err, len(c.calls), eventbridge.DefaultMaxAttempts)
	}
	for i, d := range s.d {
		hi := min(eventbridge.DefaultMaxDelay, eventbridge.DefaultBaseDelay<<i)
		if d < hi/2 || d > hi {
			t.Errorf("wait %d: %v, want in [%v,%v]", i, d, hi/2, hi)
		}
	}
}

func TestCallErrorStopsLaterBatches(t *testing.T) {
	down := errors.New("connection refused")
	c := &capture{err: down}
	err := newPublisher(t, c, eventbridge.Options{}).Publish(context.Background(), numbered(15, func(int) string { return "A" })...)
	if !errors.Is(err, down) || len(c.calls) != 1 {
		t.Fatalf("got %v after %d calls", err, len(c.calls))
	}
}

func TestCancelledWhileWaiting(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	c := &capture{fail: func(int, int, types.PutEventsRequestEntry) string { cancel(); return "InternalFailure" }}
	err := newPublisher(t, c, eventbridge.Options{BaseDelay: time.Hour}).Publish(ctx, envelope("A", "", `{}`))
	if !errors.Is(err, context.Canceled) || len(c.calls) != 1 {
		t.Fatalf("got %v after %d calls", err, len(c.calls))
	}
}

// A result entry with neither an event id nor an error code was not
// accepted: it is retried, never counted as sent.
func TestUnexplainedFailureIsRetried(t *testing.T) {
	c := &capture{fail: func(call, _ int, e types.PutEventsRequestEntry) string {
		if call == 0 && aws.ToString(e.Detail) == `{"i":1}` {
			return "-"
		}
		return ""
	}}
	p := newPublisher(t, c, eventbridge.Options{Sleep: (&sleeps{}).sleep})
	if err := p.Publish(context.Background(), numbered(3, func(int) string { return "A" })...); err != nil {
		t.Fatal(err)
	}
	want := [][]string{{`{"i":0}`, `{"i":1}`, `{"i":2}`}, {`{"i":1}`}}
	if got := c.details(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("calls %v, want %v", got, want)
	}
}
