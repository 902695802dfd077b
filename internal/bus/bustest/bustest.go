// Package bustest is the conformance suite for the bus port: an
// implementation publishes events and the suite checks that each one
// reaches, at least once and with its detail intact, every subscription
// whose detail-types include its own, and no other. The model is
// watermill's pubsub/tests: TestBus runs every case against a Harness the
// implementation's test builds, and Features says what the implementation
// lacks or changes.
package bustest

import (
	"context"
	"testing"
	"time"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/claimcheck"
)

// Publisher is the bus port under test (what splitter, worker and joblog
// declare).
type Publisher interface {
	Publish(ctx context.Context, envs ...events.Envelope) error
}

// Subscription routes the events of DetailTypes (source events.Source) to
// one receiver called Name: an EventBridge rule and its target.
type Subscription struct {
	Name        string
	DetailTypes []string
}

// Harness is one bus under test with the subscriptions it was built for.
type Harness struct {
	Publisher Publisher
	// Receive returns the envelopes delivered to the named subscription
	// since its previous call, as the target receives them (claim checks
	// unresolved). It may wait briefly for deliveries; it must return
	// when ctx is done.
	Receive func(ctx context.Context, subscription string) ([]events.Envelope, error)
	// Blobs resolves claim-check details; needed only with
	// Features.ClaimChecks.
	Blobs claimcheck.Blobs
}

// Features describes an implementation; the zero value is a bus that
// delivers details byte for byte, rejects entries over
// events.MaxEntryBytes and takes at most events.MaxEntriesPerPut entries
// (and events.MaxEntryBytes in all) per Publish call.
type Features struct {
	// ReencodesDetail: the transport parses and re-serialises the detail
	// (moto turns non-ASCII into \u escapes, EventBridge targets see the
	// detail as an object), so details are compared as JSON values, not
	// bytes.
	ReencodesDetail bool
	// ClaimChecks: Publish accepts an entry over events.MaxEntryBytes and
	// delivers a claim check that Harness.Blobs resolves.
	ClaimChecks bool
	// ChunksCalls: Publish accepts any number of entries and splits them
	// into PutEvents-sized calls itself.
	ChunksCalls bool
	// DeliveryTimeout bounds the wait for all deliveries; 0 means 30s.
	DeliveryTimeout time.Duration
}

// NewHarness builds a fresh bus (its own bus name, queues and so on) with
// the given subscriptions.
type NewHarness func(t *testing.T, subs []Subscription) Harness

// TestBus runs every conformance case as a subtest.
func TestBus(t *testing.T, f Features, newHarness NewHarness) {
	if f.DeliveryTimeout == 0 {
		f.DeliveryTimeout = 30 * time.Second
	}
	t.Run("DeliversEachEventToItsSubscriptions", func(t *testing.T) { testDelivery(t, f, newHarness) })
	t.Run("OverLimitEntry", func(t *testing.T) { testOverLimit(t, f, newHarness) })
}
