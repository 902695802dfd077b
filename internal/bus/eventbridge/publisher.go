package eventbridge

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/claimcheck"
)

// Publisher publishes envelopes to one event bus. It is safe for
// concurrent use when its PutEventsAPI, Blobs and Options functions are.
type Publisher struct {
	api  PutEventsAPI
	opts Options
}

// New returns a Publisher calling api (usually *eventbridge.Client) with
// o, after o.Validate.
func New(api PutEventsAPI, o Options) (*Publisher, error) {
	if api == nil {
		return nil, fmt.Errorf("eventbridge publisher: nil PutEventsAPI")
	}
	if err := o.Validate(); err != nil {
		return nil, fmt.Errorf("eventbridge publisher options: %w", err)
	}
	return &Publisher{api: api, opts: o.withDefaults()}, nil
}

// entry is one envelope ready to send: its position in the Publish call,
// its size by events.EntryBytes (after any claim check) and the request
// entry.
type entry struct {
	index      int
	detailType string
	eventID    string
	sizeBytes  int
	req        types.PutEventsRequestEntry
}

// Publish sends envs in order, in PutEvents calls of at most
// events.MaxEntriesPerPut entries whose events.EntryBytes sum to at most
// events.MaxEntryBytes. An entry over that limit is first replaced by a
// claim check (claimcheck.Wrap into Options.Blobs). Entries a call reports
// as failed are retried alone, in order, with backoff, up to
// Options.MaxAttempts calls.
//
// Errors: ErrInvalidEntry or ErrEntryTooLarge (nothing sent); a claim-check
// store failure (nothing sent); a PutEvents call error (wrapped, after the
// SDK's own retries); *PublishError naming the entries that still failed.
// On a call error or *PublishError the calls before it were accepted and
// the calls after it were not made. EventBridge assigns its own event ids;
// env.ID is used only in error messages.
func (p *Publisher) Publish(ctx context.Context, envs ...events.Envelope) error {
	entries, err := p.prepare(ctx, envs)
	if err != nil {
		return err
	}
	for _, batch := range chunk(entries) {
		if err := p.send(ctx, batch); err != nil {
			return err
		}
	}
	return nil
}

// prepare checks every envelope, wraps the oversized ones in claim checks
// and builds the request entries.
func (p *Publisher) prepare(ctx context.Context, envs []events.Envelope) ([]entry, error) {
	for i, env := range envs {
		if env.DetailType == "" || env.Source == "" || !json.Valid(env.Detail) {
			return nil, fmt.Errorf("entry %d (%q): %w: needs detail-type, source and JSON detail", i, env.DetailType, ErrInvalidEntry)
		}
		if n := events.EntryBytes(env); n > events.MaxEntryBytes && p.opts.Blobs == nil {
			return nil, fmt.Errorf("entry %d (%s) is %d bytes, over %d, and no claim-check store is configured: %w",
				i, env.DetailType, n, events.MaxEntryBytes, ErrEntryTooLarge)
		}
	}
	trace := ""
	if p.opts.TraceHeader != nil {
		trace = p.opts.TraceHeader(ctx)
	}
	out := make([]entry, 0, len(envs))
	for i, env := range envs {
		if events.EntryBytes(env) > events.MaxEntryBytes {
			wrapped, err := claimcheck.Wrap(ctx, p.opts.Blobs, p.opts.PayloadBucket, env)
			if err != nil {
				return nil, fmt.Errorf("entry %d: %w", i, err)
			}
			if n := events.EntryBytes(wrapped); n > events.MaxEntryBytes {
				return nil, fmt.Errorf("entry %d (%s) is %d bytes even with a claim check: %w", i, env.DetailType, n, ErrEntryTooLarge)
			}
			env = wrapped
		}
		out = append(out, p.entry(i, env, trace))
	}
	return out, nil
}

func (p *Publisher) entry(i int, env events.Envelope, trace string) entry {
	req := types.PutEventsRequestEntry{
		Source:     aws.String(env.Source),
		DetailType: aws.String(env.DetailType),
		Detail:     aws.String(string(env.Detail)),
		Resources:  env.Resources,
	}
	if !env.Time.IsZero() {
		req.Time = aws.Time(env.Time)
	}
	if p.opts.BusName != "" {
		req.EventBusName = aws.String(p.opts.BusName)
	}
	if trace != "" {
		req.TraceHeader = aws.String(trace)
	}
	return entry{index: i, detailType: env.DetailType, eventID: env.ID, sizeBytes: events.EntryBytes(env), req: req}
}

// chunk splits entries, in order, into batches of at most
// events.MaxEntriesPerPut entries and events.MaxEntryBytes bytes, filling
// each batch before starting the next.
func chunk(entries []entry) [][]entry {
	var batches [][]entry
	start, size := 0, 0
	for i, e := range entries {
		if i > start && (i-start == events.MaxEntriesPerPut || size+e.sizeBytes > events.MaxEntryBytes) {
			batches = append(batches, entries[start:i])
			start, size = i, 0
		}
		size += e.sizeBytes
	}
	if start < len(entries) {
		batches = append(batches, entries[start:])
	}
	return batches
}
