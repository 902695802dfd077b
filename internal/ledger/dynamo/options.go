package dynamo

import (
	"errors"
	"fmt"
	"time"
)

// Defaults used when an Options field is zero.
const (
	// DefaultTTL is how long items live after their last write.
	DefaultTTL = 30 * 24 * time.Hour
	// DefaultMaxInlineDetailBytes leaves room under DynamoDB's 400 KB item
	// limit for the key and the other attributes.
	DefaultMaxInlineDetailBytes = 350 * 1024
	// DefaultMaxAttempts bounds the transactions one Append tries when it
	// keeps losing the race for the job's counter.
	DefaultMaxAttempts = 50
	// maxItemBytes is DynamoDB's item size limit (400 KB).
	maxItemBytes = 400 * 1024
)

// Options configure New. The zero value is valid and means the defaults.
type Options struct {
	// TTL is added to the time of each write to give the item's expiresAt
	// (whole seconds); 0 means DefaultTTL.
	TTL time.Duration
	// MaxInlineDetailBytes is the largest Detail, in bytes, stored in the
	// item itself; larger ones go to Blobs. 0 means
	// DefaultMaxInlineDetailBytes; at most maxItemBytes less 10 KiB.
	MaxInlineDetailBytes int
	// Blobs stores claim-checked details. Nil means none: an Append with a
	// detail too large to inline then fails.
	Blobs Blobs
	// MaxAttempts is how many transactions one Append tries when the job's
	// counter keeps moving under it; 0 means DefaultMaxAttempts.
	MaxAttempts int
	// Now is the clock for expiresAt; nil means time.Now.
	Now func() time.Time
}

// Validate reports every problem with o, joined.
func (o Options) Validate() error {
	var errs []error
	if o.TTL < 0 {
		errs = append(errs, fmt.Errorf("dynamo ledger: TTL %v is negative", o.TTL))
	} else if o.TTL > 0 && o.TTL < time.Second {
		errs = append(errs, fmt.Errorf("dynamo ledger: TTL %v is under one second", o.TTL))
	}
	if o.MaxInlineDetailBytes < 0 || o.MaxInlineDetailBytes > maxItemBytes-10*1024 {
		errs = append(errs, fmt.Errorf("dynamo ledger: MaxInlineDetailBytes %d is outside 0..%d", o.MaxInlineDetailBytes, maxItemBytes-10*1024))
	}
	if o.MaxAttempts < 0 {
		errs = append(errs, fmt.Errorf("dynamo ledger: MaxAttempts %d is negative", o.MaxAttempts))
	}
	return errors.Join(errs...)
}

func (o Options) withDefaults() Options {
	if o.TTL == 0 {
		o.TTL = DefaultTTL
	}
	if o.MaxInlineDetailBytes == 0 {
		o.MaxInlineDetailBytes = DefaultMaxInlineDetailBytes
	}
	if o.MaxAttempts == 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}
