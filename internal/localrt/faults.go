package localrt

import (
	"context"
	"fmt"
	"time"
)

// Faults injects runtime faults (chaos testing). Attempt is asked once
// before every attempt of an invocation of fn; it must be safe for
// concurrent use.
type Faults interface {
	Attempt(fn string) Fault
}

// Fault is what happens to one attempt.
type Fault struct {
	// Recycle discards fn's warm containers before the attempt, so it
	// starts cold and loses every warm cache (Lambda recycling them).
	Recycle bool
	// Kill abandons the attempt at its deadline with no cleanup: the
	// runtime counts a timeout and moves on (retrying it) without waiting
	// for the handler, whose goroutine keeps running as a zombie, as a
	// Lambda sandbox frozen mid-write and thawed later would. Its late
	// writes must be fenced by the handler's conditional writes.
	Kill bool
}

// PanicError is returned for an attempt whose handler panicked; the
// container is discarded, as Lambda discards a crashed runtime.
type PanicError struct {
	Fn    string
	Value any
}

func (e *PanicError) Error() string { return fmt.Sprintf("%s: handler panicked: %v", e.Fn, e.Value) }

// InvokeAfter is InvokeAsync with the delivery delayed by d: the
// invocation counts as pending from now, so WaitIdle waits for it. It
// models a late or reordered asynchronous delivery.
func (r *Runtime) InvokeAfter(fn string, payload []byte, d time.Duration) error {
	if err := r.admit(fn); err != nil {
		return err
	}
	time.AfterFunc(d, func() { r.attempt(fn, payload, 0) })
	return nil
}

// fault asks the Faults hook about one attempt of fn.
func (r *Runtime) fault(fn string) Fault {
	if r.opts.Faults == nil {
		return Fault{}
	}
	f := r.opts.Faults.Attempt(fn)
	if f.Recycle {
		r.mu.Lock()
		r.stats.Recycled += int64(len(r.idle[fn]))
		r.idle[fn] = nil
		r.mu.Unlock()
	}
	return f
}

// invoke runs the handler, turning a panic into *PanicError. With kill it
// returns at ctx's deadline without waiting for the handler.
func invoke(ctx context.Context, fn string, c *container, payload []byte, kill bool) (killed bool, err error) {
	done := make(chan error, 1)
	go func() {
		defer func() {
			if v := recover(); v != nil {
				done <- &PanicError{Fn: fn, Value: v}
			}
		}()
		_, err := c.h.Invoke(ctx, payload)
		done <- err
	}()
	if !kill {
		return false, <-done
	}
	select {
	case err := <-done:
		return false, err
	case <-ctx.Done():
		return true, ctx.Err()
	}
}
