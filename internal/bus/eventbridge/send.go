package eventbridge

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
)

// send puts one batch, retrying the retryable failed entries until none
// fail or the attempts run out.
func (p *Publisher) send(ctx context.Context, batch []entry) error {
	pending := batch
	var final []FailedEntry
	attempt := 0
	for len(pending) > 0 {
		attempt++
		out, err := p.api.PutEvents(ctx, &sdk.PutEventsInput{Entries: requests(pending)})
		if err != nil {
			return fmt.Errorf("PutEvents of entries %d..%d (%s first): %w", pending[0].index, pending[len(pending)-1].index, pending[0].detailType, err)
		}
		retry, failed, err := classify(pending, out)
		if err != nil {
			return err
		}
		final = append(final, failed...)
		if len(retry) == 0 {
			break
		}
		if attempt >= p.opts.MaxAttempts {
			final = append(final, retry...)
			break
		}
		if err := p.opts.Sleep(ctx, p.backoff(attempt)); err != nil {
			return fmt.Errorf("waiting to retry %d failed PutEvents entries: %w", len(retry), err)
		}
		pending = pick(pending, retry)
		if p.opts.OnRetry != nil {
			p.opts.OnRetry(ctx, len(pending))
		}
	}
	if len(final) == 0 {
		return nil
	}
	slices.SortFunc(final, func(a, b FailedEntry) int { return cmp.Compare(a.Index, b.Index) })
	return &PublishError{Entries: final, Attempts: attempt}
}

func requests(batch []entry) []types.PutEventsRequestEntry {
	out := make([]types.PutEventsRequestEntry, len(batch))
	for i, e := range batch {
		out[i] = e.req
	}
	return out
}

// classify splits the failed entries of a response into those to retry and
// those failed for good. Response entry i answers request entry i.
func classify(sent []entry, out *sdk.PutEventsOutput) (retry, failed []FailedEntry, err error) {
	if out.FailedEntryCount == 0 {
		return nil, nil, nil
	}
	if len(out.Entries) != len(sent) {
		return nil, nil, fmt.Errorf("PutEvents reported %d failed entries but answered %d entries for %d sent", out.FailedEntryCount, len(out.Entries), len(sent))
	}
	for i, r := range out.Entries {
		code := aws.ToString(r.ErrorCode)
		if code == "" && aws.ToString(r.EventId) != "" {
			continue // accepted
		}
		if code == "" {
			code = "NoEventId" // neither accepted nor explained: retry it
		}
		f := FailedEntry{Index: sent[i].index, DetailType: sent[i].detailType, EventID: sent[i].eventID,
			ErrorCode: code, ErrorMessage: aws.ToString(r.ErrorMessage), Retryable: retryableCode(code)}
		if f.Retryable {
			retry = append(retry, f)
		} else {
			failed = append(failed, f)
		}
	}
	if len(retry)+len(failed) == 0 {
		return nil, nil, fmt.Errorf("PutEvents reported %d failed entries but named none", out.FailedEntryCount)
	}
	return retry, failed, nil
}

// pick returns the entries of batch named by fs, in batch order (fs is in
// batch order too).
func pick(batch []entry, fs []FailedEntry) []entry {
	out := make([]entry, 0, len(fs))
	j := 0
	for _, e := range batch {
		if j < len(fs) && fs[j].Index == e.index {
			out = append(out, e)
			j++
		}
	}
	return out
}

// backoff is the wait after the given failed attempt: a random duration in
// [d/2, d] with d = min(MaxDelay, BaseDelay*2^(attempt-1)).
func (p *Publisher) backoff(attempt int) time.Duration {
	d := p.opts.MaxDelay
	if shift := attempt - 1; shift < 32 && p.opts.BaseDelay<<shift < d && p.opts.BaseDelay<<shift > 0 {
		d = p.opts.BaseDelay << shift
	}
	half := d / 2
	return half + rand.N(d-half+1)
}
