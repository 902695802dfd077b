package localrt_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/batonrun/baton/internal/localrt"
)

type faultsFunc func(fn string) localrt.Fault

func (f faultsFunc) Attempt(fn string) localrt.Fault { return f(fn) }

// A killed attempt is abandoned at its deadline: the retry starts while the
// first attempt's handler is still running (a zombie).
func TestKillAbandonsAttemptAtDeadline(t *testing.T) {
	var calls, overlap, running atomic.Int64
	release := make(chan struct{})
	fn := localrt.Function{Name: "f", New: func() (lambda.Handler, error) {
		return lambda.NewHandler(func(ctx context.Context, _ map[string]any) error {
			n := calls.Add(1)
			if running.Add(1) > 1 {
				overlap.Add(1)
			}
			defer running.Add(-1)
			if n == 1 {
				<-release // ignores its deadline, like a stuck write
				return nil
			}
			return nil
		}), nil
	}}
	var tries atomic.Int64
	rt, err := localrt.New(localrt.Options{Timeout: 20 * time.Millisecond, Concurrency: 1,
		Faults: faultsFunc(func(string) localrt.Fault { return localrt.Fault{Kill: tries.Add(1) == 1} })}, fn)
	if err != nil {
		t.Fatal(err)
	}
	if err := rt.InvokeAsync("f", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := rt.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	close(release)
	s := rt.Stats()
	if calls.Load() != 2 || overlap.Load() != 1 || s.Killed != 1 || s.Timeouts != 1 || s.Failed != 0 {
		t.Fatalf("calls %d overlap %d stats %+v: want the retry to run beside the killed zombie", calls.Load(), overlap.Load(), s)
	}
}

// A panicking handler fails its attempt, loses its container and is retried.
func TestPanicIsAnErrorAndRecycles(t *testing.T) {
	var calls atomic.Int64
	var last atomic.Value
	p := &probe{fail: func(n int64) error {
		calls.Add(1)
		if n == 1 {
			panic("crash")
		}
		return nil
	}}
	rt := runAll(t, localrt.Options{Concurrency: 1, RecycleProbability: -1,
		OnFailure: func(_ string, _ []byte, err error) { last.Store(err) }}, p, 1)
	if calls.Load() != 2 || p.colds.Load() != 2 || rt.Stats().Errors != 1 {
		t.Fatalf("calls %d colds %d stats %+v: want a retry in a new container", calls.Load(), p.colds.Load(), rt.Stats())
	}
}

// Recycle makes the attempt start cold although a warm container is idle.
func TestFaultRecycleStartsCold(t *testing.T) {
	var n atomic.Int64
	p := &probe{}
	runAll(t, localrt.Options{Concurrency: 1, RecycleProbability: -1,
		Faults: faultsFunc(func(string) localrt.Fault { return localrt.Fault{Recycle: n.Add(1)%2 == 0} })}, p, 6)
	if p.colds.Load() != 4 { // attempts 1 (first), 2, 4, 6
		t.Fatalf("cold starts %d, want 4", p.colds.Load())
	}
}

// A delayed invocation counts as pending until it has run.
func TestInvokeAfterIsPending(t *testing.T) {
	p := &probe{}
	rt, err := localrt.New(localrt.Options{}, p.fn("f"))
	if err != nil {
		t.Fatal(err)
	}
	if err := rt.InvokeAfter("f", []byte(`{}`), 30*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if err := rt.WaitIdle(context.Background()); err != nil {
		t.Fatal(err)
	}
	if p.calls.Load() != 1 {
		t.Fatalf("calls %d after WaitIdle, want 1", p.calls.Load())
	}
	if err := rt.InvokeAfter("nope", nil, 0); !errors.Is(err, localrt.ErrUnknownFunction) {
		t.Fatalf("got %v", err)
	}
}
