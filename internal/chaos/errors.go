package chaos

import (
	"errors"
	"fmt"
)

// ErrInjected is wrapped by every error the wrappers inject; ErrCrash by
// the crashes among them. Branch with errors.Is.
var (
	ErrInjected = errors.New("chaos: injected fault")
	ErrCrash    = errors.New("chaos: invocation crashed")
)

// Fault is an injected error: Op is the port call ("ledger Append",
// "publish", "store ReadRange"), Kind what went wrong ("throttled",
// "internal error", "response lost after the write", "crash before
// commit"…). It is transient: a retry can succeed.
type Fault struct {
	Op, Kind string
	crash    bool
}

func (f *Fault) Error() string { return fmt.Sprintf("chaos: %s: %s", f.Op, f.Kind) }

// Is makes errors.Is true for ErrInjected, and ErrCrash for crashes.
func (f *Fault) Is(target error) bool {
	return target == ErrInjected || (f.crash && target == ErrCrash)
}

func crash(op, where string) error { return &Fault{Op: op, Kind: "crash " + where, crash: true} }

// transient picks a throttling or 5xx error for op.
func (in *Injector) transient(op string) error {
	kinds := []string{"throttled (retry later)", "internal error (HTTP 500)", "service unavailable (HTTP 503)"}
	return &Fault{Op: op, Kind: kinds[in.intN(len(kinds))]}
}
