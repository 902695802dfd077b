package eventbridge

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/batonrun/baton/internal/backoff"

	"github.com/batonrun/baton/internal/claimcheck"
)

// Defaults for the zero Options fields.
const (
	DefaultMaxAttempts = 5
	DefaultBaseDelay   = 100 * time.Millisecond
	DefaultMaxDelay    = 5 * time.Second
)

// Options configures a Publisher. The zero value publishes to the
// account's default bus, rejects entries over the byte limit, and retries
// failed entries with the defaults above.
type Options struct {
	// BusName is the event bus name or ARN; "" is the default bus.
	BusName string
	// OnRetry, when set, is told how many failed entries are about to be
	// sent again (e.g. to count them as the baton.events.retried metric).
	OnRetry func(ctx context.Context, entries int)
	// Blobs and PayloadBucket take the detail of an entry over
	// events.MaxEntryBytes (claim check). Set both or neither; Blobs must
	// be scoped to PayloadBucket.
	Blobs         claimcheck.Blobs
	PayloadBucket string
	// MaxAttempts bounds the PutEvents calls made for one batch of
	// entries, the first included, when some entries fail. 0 means
	// DefaultMaxAttempts. Throttling of a whole call is left to the SDK
	// client's retryer and does not count here.
	MaxAttempts int
	// BaseDelay and MaxDelay shape the backoff before retrying failed
	// entries: attempt n waits a random duration in [d/2, d] where
	// d = min(MaxDelay, BaseDelay*2^(n-1)). 0 means the defaults.
	BaseDelay, MaxDelay time.Duration
	// TraceHeader, when set, returns the X-Ray trace header of the trace
	// active in ctx, or "" for none; a non-empty value is sent as each
	// entry's TraceHeader (it does not count towards the entry size).
	TraceHeader func(ctx context.Context) string
	// Sleep waits d or until ctx is done (then returning ctx.Err()). nil
	// means a timer; tests inject a recorder.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Validate joins every problem with the options.
func (o Options) Validate() error {
	var errs []error
	if o.MaxAttempts < 0 {
		errs = append(errs, fmt.Errorf("max attempts %d: want >= 0", o.MaxAttempts))
	}
	if o.BaseDelay < 0 || o.MaxDelay < 0 {
		errs = append(errs, fmt.Errorf("backoff delays %v/%v: want >= 0", o.BaseDelay, o.MaxDelay))
	}
	if (o.Blobs == nil) != (o.PayloadBucket == "") {
		errs = append(errs, errors.New("claim checks need both Blobs and PayloadBucket, or neither"))
	}
	return errors.Join(errs...)
}

func (o Options) withDefaults() Options {
	if o.MaxAttempts == 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	if o.BaseDelay == 0 {
		o.BaseDelay = DefaultBaseDelay
	}
	if o.MaxDelay == 0 {
		o.MaxDelay = DefaultMaxDelay
	}
	if o.MaxDelay < o.BaseDelay {
		o.MaxDelay = o.BaseDelay
	}
	if o.Sleep == nil {
		o.Sleep = backoff.Sleep
	}
	return o
}
