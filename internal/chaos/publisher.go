package chaos

import (
	"context"

	"github.com/batonrun/baton/events"
)

// PublisherPort publishes events (the bus).
type PublisherPort interface {
	Publish(ctx context.Context, envs ...events.Envelope) error
}

// Publisher wraps a bus with injected faults. Safe for concurrent use when
// the wrapped bus is.
type Publisher struct {
	next PublisherPort
	in   *Injector
}

// Publisher wraps p: a call may fail before publishing (PublishError) or
// after (PublishLostResponse); each event may be silently dropped (Drop);
// a batch's order is shuffled when Delay is on; a call carrying a
// RangeContinued may crash the invocation before or after publishing it.
func (in *Injector) Publisher(p PublisherPort) *Publisher { return &Publisher{next: p, in: in} }

// Publish implements the bus port.
func (p *Publisher) Publish(ctx context.Context, envs ...events.Envelope) error {
	cont := false
	for _, e := range envs {
		cont = cont || e.DetailType == events.TypeRangeContinued
	}
	if cont && p.in.hit(p.in.plan.Crash) {
		p.in.st.crashes.Add(1)
		return crash("publish", "before publishing the continuation")
	}
	if p.in.hit(p.in.plan.PublishError) {
		p.in.st.publishErrors.Add(1)
		return p.in.transient("publish")
	}
	kept := make([]events.Envelope, 0, len(envs))
	for _, e := range envs {
		if p.in.hit(p.in.plan.Drop) {
			p.in.st.dropped.Add(1)
			continue
		}
		kept = append(kept, e)
	}
	if p.in.plan.Delay > 0 {
		for i := len(kept) - 1; i > 0; i-- {
			j := p.in.intN(i + 1)
			kept[i], kept[j] = kept[j], kept[i]
		}
	}
	if len(kept) > 0 {
		if err := p.next.Publish(ctx, kept...); err != nil {
			return err
		}
	}
	if cont && p.in.hit(p.in.plan.Crash) {
		p.in.st.crashes.Add(1)
		return crash("publish", "after publishing the continuation")
	}
	if p.in.hit(p.in.plan.PublishLostResponse) {
		p.in.st.lost.Add(1)
		return &Fault{Op: "publish", Kind: "response lost after the events were published"}
	}
	return nil
}
