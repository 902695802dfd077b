package localrt

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// InvokeAsync queues an Event invocation of fn with payload and returns at
// once. The invocation counts as pending until it succeeds or reaches
// OnFailure, so WaitIdle covers everything it publishes in turn.
func (r *Runtime) InvokeAsync(fn string, payload []byte) error {
	if err := r.admit(fn); err != nil {
		return err
	}
	go r.attempt(fn, payload, 0)
	return nil
}

// admit counts a new invocation of fn as pending, so WaitIdle waits for
// it. Errors: ErrUnknownFunction (wrapped), ErrClosed.
func (r *Runtime) admit(fn string) error {
	if _, ok := r.fns[fn]; !ok {
		return fmt.Errorf("invoking %q: %w", fn, ErrUnknownFunction)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return ErrClosed
	}
	r.pending++
	return nil
}

// attempt runs one try of an invocation, then retries or finishes it.
func (r *Runtime) attempt(fn string, payload []byte, try int) {
	r.slots <- struct{}{}
	err := r.run(fn, payload)
	<-r.slots
	if err != nil && try < r.opts.RetryAttempts {
		time.AfterFunc(r.opts.RetryDelay<<try, func() { r.attempt(fn, payload, try+1) })
		return
	}
	if err != nil {
		r.mu.Lock()
		r.stats.Failed++
		r.mu.Unlock()
		if r.opts.OnFailure != nil {
			r.opts.OnFailure(fn, payload, err)
		}
	}
	r.done()
}

func (r *Runtime) done() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pending--
	if r.pending == 0 && r.idleCh != nil {
		close(r.idleCh)
		r.idleCh = nil
	}
}

// run executes one attempt in a warm or new container with the function's
// deadline. An attempt still running at its deadline counts as timed out
// and its container is discarded, as Lambda does; the runtime waits for the
// handler to return before freeing the concurrency slot, unless Faults
// kills the attempt at its deadline. A panicking handler fails the attempt
// with *PanicError and its container is discarded.
func (r *Runtime) run(fn string, payload []byte) error {
	f := r.fault(fn)
	c, err := r.take(fn)
	if err != nil {
		return err
	}
	timeout := r.opts.Timeout
	if t := r.fns[fn].Timeout; t > 0 {
		timeout = t
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	start := time.Now()
	killed, err := invoke(ctx, fn, c, payload, f.Kill)
	timedOut := killed || time.Since(start) > timeout
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stats.Invocations++
	if killed {
		r.stats.Killed++
	}
	if err != nil {
		r.stats.Errors++
	}
	var pe *PanicError
	if errors.As(err, &pe) {
		r.stats.Recycled++
		return err
	}
	if timedOut {
		r.stats.Timeouts++
		r.stats.Recycled++
		return fmt.Errorf("%s: task timed out after %v", fn, timeout)
	}
	if r.rng.Float64() < r.opts.RecycleProbability {
		r.stats.Recycled++
	} else {
		r.idle[fn] = append(r.idle[fn], c)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", fn, err)
	}
	return nil
}

// take pops a warm container of fn or cold-starts one.
func (r *Runtime) take(fn string) (*container, error) {
	r.mu.Lock()
	if n := len(r.idle[fn]); n > 0 {
		c := r.idle[fn][n-1]
		r.idle[fn] = r.idle[fn][:n-1]
		r.mu.Unlock()
		return c, nil
	}
	r.stats.ColdStarts++
	r.mu.Unlock()
	h, err := r.fns[fn].New()
	if err != nil {
		return nil, fmt.Errorf("%s: init: %w", fn, err)
	}
	return &container{h: h}, nil
}

// WaitIdle blocks until no invocation is queued, running or waiting for a
// retry, or until ctx ends.
func (r *Runtime) WaitIdle(ctx context.Context) error {
	select {
	case <-r.Idle():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Idle returns a channel that is closed once no invocation is queued,
// running or waiting for a retry: already closed when the runtime is idle
// now. A later invocation does not reopen it; call Idle again to wait for
// the next idle moment.
func (r *Runtime) Idle() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.pending == 0 {
		c := make(chan struct{})
		close(c)
		return c
	}
	if r.idleCh == nil {
		r.idleCh = make(chan struct{})
	}
	return r.idleCh
}

// Close refuses further invocations; running ones finish.
func (r *Runtime) Close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
}
