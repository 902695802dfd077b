package sqlite

import (
	"errors"
	"fmt"
	"time"
)

// DefaultBusyTimeout is how long a write waits for another connection or
// process holding the database's write lock when Options.BusyTimeout is 0.
const DefaultBusyTimeout = 10 * time.Second

// Options configure Open. The zero value is valid and means the defaults.
type Options struct {
	// BusyTimeout is how long a statement waits for a lock held by another
	// connection or process before failing with SQLITE_BUSY; 0 means
	// DefaultBusyTimeout. Resolution is one millisecond.
	BusyTimeout time.Duration
}

// Validate reports every problem with o, joined.
func (o Options) Validate() error {
	var errs []error
	if o.BusyTimeout < 0 {
		errs = append(errs, fmt.Errorf("sqlite ledger: BusyTimeout %v is negative", o.BusyTimeout))
	}
	return errors.Join(errs...)
}

func (o Options) busyTimeout() time.Duration {
	if o.BusyTimeout == 0 {
		return DefaultBusyTimeout
	}
	return o.BusyTimeout
}
