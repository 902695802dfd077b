package eventbridge_test

import (
	"context"
	"fmt"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"

	"github.com/batonrun/baton/events"
)

// capture is a PutEventsAPI that records every request. fail, when set,
// returns the error code for the i-th entry of call n (0-based), "" for
// success, "-" for a failure answered with an empty result entry.
type capture struct {
	mu    sync.Mutex
	calls [][]types.PutEventsRequestEntry
	fail  func(call, i int, e types.PutEventsRequestEntry) string
	err   error
}

func (c *capture) PutEvents(_ context.Context, in *sdk.PutEventsInput, _ ...func(*sdk.Options)) (*sdk.PutEventsOutput, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := len(c.calls)
	c.calls = append(c.calls, append([]types.PutEventsRequestEntry(nil), in.Entries...))
	if c.err != nil {
		return nil, c.err
	}
	out := &sdk.PutEventsOutput{}
	for i, e := range in.Entries {
		code := ""
		if c.fail != nil {
			code = c.fail(n, i, e)
		}
		if code == "" {
			out.Entries = append(out.Entries, types.PutEventsResultEntry{EventId: aws.String(fmt.Sprintf("eb-%d-%d", n, i))})
			continue
		}
		out.FailedEntryCount++
		if code == "-" { // failed, but the answer names neither an event id nor an error
			out.Entries = append(out.Entries, types.PutEventsResultEntry{})
			continue
		}
		out.Entries = append(out.Entries, types.PutEventsResultEntry{ErrorCode: aws.String(code), ErrorMessage: aws.String("fake " + code)})
	}
	return out, nil
}

// details returns the Detail of every entry of every call, call by call.
func (c *capture) details() [][]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([][]string, len(c.calls))
	for i, call := range c.calls {
		for _, e := range call {
			out[i] = append(out[i], aws.ToString(e.Detail))
		}
	}
	return out
}

// sleeps records the backoff waits asked for.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, d)
	return ctx.Err()
}

var at = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

func envelope(detailType, id, detail string) events.Envelope {
	return events.Envelope{Version: "0", ID: id, DetailType: detailType, Source: events.Source, Time: at, Resources: []string{}, Detail: []byte(detail)}
}

// utf8Bytes counts the UTF-8 bytes of s rune by rune, independently of len.
func utf8Bytes(s string) int {
	n := 0
	for _, r := range s {
		n += utf8.RuneLen(r)
	}
	return n
}

// refSize is the EventBridge entry-size rule ("Calculating Amazon
// EventBridge PutEvents event entry size"), computed from a request entry.
func refSize(e types.PutEventsRequestEntry) int {
	n := utf8Bytes(aws.ToString(e.Source)) + utf8Bytes(aws.ToString(e.DetailType)) + utf8Bytes(aws.ToString(e.Detail))
	if e.Time != nil {
		n += 14
	}
	for _, r := range e.Resources {
		n += utf8Bytes(r)
	}
	return n
}

// sized returns an envelope whose entry is exactly n bytes by the rule,
// its detail mostly multi-byte: one 3-byte, one 2-byte character, then
// 4-byte emoji, then ASCII padding.
func sized(detailType string, n int) events.Envelope {
	fixed := utf8Bytes(detailType) + utf8Bytes(events.Source) + 14 + len(`{"s":""}`)
	left := n - fixed
	if left < 0 {
		panic(fmt.Sprintf("entry of %d bytes too small", n))
	}
	var b []byte
	for _, s := range []string{"中", "é"} {
		if left >= len(s) {
			b = append(b, s...)
			left -= utf8Bytes(s)
		}
	}
	for ; left >= 4; left -= 4 {
		b = append(b, "😀"...)
	}
	for ; left > 0; left-- {
		b = append(b, 'a')
	}
	return envelope(detailType, "", `{"s":"`+string(b)+`"}`)
}
