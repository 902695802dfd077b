package s3store

import (
	"errors"
	"fmt"
)

// DefaultReadAheadBytes bounds the bytes held by read-aheads (in flight or
// waiting to be taken) when Options.ReadAheadBytes is 0: 64 MiB, room for
// several concurrent sequential readers with 8 MiB batches.
const DefaultReadAheadBytes int64 = 64 << 20

// Options configure New. The zero value is valid: read-ahead on with
// DefaultReadAheadBytes, and no payload bucket (PutBlob and GetBlob fail).
type Options struct {
	// DisableReadAhead turns read-ahead off: every ReadRange issues exactly
	// the one GetObject it needs, in the caller's goroutine.
	DisableReadAhead bool
	// ReadAheadBytes bounds, in bytes, the total length of the read-aheads
	// the Store holds at once; 0 means DefaultReadAheadBytes. A read longer
	// than this is served but not followed by a read-ahead.
	ReadAheadBytes int64
	// PayloadBucket is the bucket PutBlob and GetBlob use for claim checks
	// (large events and large ledger details). Optional.
	PayloadBucket string
}

// Validate reports every problem with o, joined.
func (o Options) Validate() error {
	var errs []error
	if o.ReadAheadBytes < 0 {
		errs = append(errs, fmt.Errorf("s3store: ReadAheadBytes %d is negative", o.ReadAheadBytes))
	}
	if o.DisableReadAhead && o.ReadAheadBytes != 0 {
		errs = append(errs, fmt.Errorf("s3store: ReadAheadBytes %d set while DisableReadAhead is true", o.ReadAheadBytes))
	}
	return errors.Join(errs...)
}

func (o Options) readAheadBytes() int64 {
	switch {
	case o.DisableReadAhead:
		return 0
	case o.ReadAheadBytes == 0:
		return DefaultReadAheadBytes
	}
	return o.ReadAheadBytes
}
