package localrt_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/batonrun/baton/internal/localrt"
)

// probe is a function whose containers count cold starts and calls.
type probe struct {
	colds, calls, running, maxRunning atomic.Int64
	fail                              func(call int64) error
	sleep                             time.Duration
	mu                                sync.Mutex
	deadlines                         []time.Duration
}

func (p *probe) fn(name string) localrt.Function {
	return localrt.Function{Name: name, New: func() (lambda.Handler, error) {
		p.colds.Add(1)
		return lambda.NewHandler(func(ctx context.Context, _ map[string]any) error {
			n := p.calls.Add(1)
			cur := p.running.Add(1)
			defer p.running.Add(-1)
			for {
				m := p.maxRunning.Load()
				if cur <= m || p.maxRunning.CompareAndSwap(m, cur) {
					break
				}
			}
			if d, ok := ctx.Deadline(); ok {
				p.mu.Lock()
				p.deadlines = append(p.deadlines, time.Until(d))
				p.mu.Unlock()
			}
			time.Sleep(p.sleep)
			if p.fail != nil {
				return p.fail(n)
			}
			return nil
		}), nil
	}}
}

func runAll(t *testing.T, o localrt.Options, p *probe, n int) *localrt.Runtime {
	t.Helper()
	rt, err := localrt.New(o, p.fn("f"))
	if err != nil {
		t.Fatal(err)
	}
	for range n {
		if err := rt.InvokeAsync("f", []byte(`{}`)); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := rt.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	return rt
}

func TestWarmContainersAreReused(t *testing.T) {
	p := &probe{}
	rt := runAll(t, localrt.Options{Concurrency: 1, RecycleProbability: -1}, p, 20)
	if p.colds.Load() != 1 || p.calls.Load() != 20 {
		t.Fatalf("cold starts %d calls %d, want 1 and 20", p.colds.Load(), p.calls.Load())
	}
	if s := rt.Stats(); s.ColdStarts != 1 || s.Invocations != 20 {
		t.Fatalf("stats %+v", s)
	}
}

func TestRecycledContainersStartCold(t *testing.T) {
	p := &probe{}
	runAll(t, localrt.Options{Concurrency: 1, RecycleProbability: 1}, p, 5)
	if p.colds.Load() != 5 {
		t.Fatalf("cold starts %d, want 5", p.colds.Load())
	}
}

func TestConcurrencyIsBounded(t *testing.T) {
	p := &probe{sleep: 5 * time.Millisecond}
	runAll(t, localrt.Options{Concurrency: 3}, p, 30)
	if m := p.maxRunning.Load(); m > 3 || m < 2 {
		t.Fatalf("max concurrent %d, want 2..3", m)
	}
}

func TestDeadlineIsTheTimeout(t *testing.T) {
	p := &probe{}
	runAll(t, localrt.Options{Timeout: 2 * time.Second}, p, 1)
	if d := p.deadlines[0]; d > 2*time.Second || d < time.Second {
		t.Fatalf("time left at start %v, want just under 2s", d)
	}
}

func TestRetriesThenOnFailure(t *testing.T) {
	var failed atomic.Int64
	p := &probe{fail: func(int64) error { return errors.New("boom") }}
	rt := runAll(t, localrt.Options{OnFailure: func(string, []byte, error) { failed.Add(1) }}, p, 1)
	if p.calls.Load() != 3 || failed.Load() != 1 || rt.Stats().Failed != 1 {
		t.Fatalf("calls %d failures %d, want 3 attempts then 1 failure", p.calls.Load(), failed.Load())
	}
}

func TestRetrySucceeds(t *testing.T) {
	var failed atomic.Int64
	p := &probe{fail: func(n int64) error {
		if n < 3 {
			return errors.New("transient")
		}
		return nil
	}}
	runAll(t, localrt.Options{OnFailure: func(string, []byte, error) { failed.Add(1) }}, p, 1)
	if p.calls.Load() != 3 || failed.Load() != 0 {
		t.Fatalf("calls %d failures %d", p.calls.Load(), failed.Load())
	}
}

func TestTimeoutCountsAndRetries(t *testing.T) {
	p := &probe{sleep: 30 * time.Millisecond}
	rt := runAll(t, localrt.Options{Timeout: 10 * time.Millisecond, RetryAttempts: 1}, p, 1)
	if s := rt.Stats(); s.Timeouts != 2 || s.Failed != 1 {
		t.Fatalf("stats %+v, want 2 timeouts and 1 failure", s)
	}
}

func TestUnknownFunction(t *testing.T) {
	rt, err := localrt.New(localrt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := rt.InvokeAsync("nope", nil); !errors.Is(err, localrt.ErrUnknownFunction) {
		t.Fatalf("got %v", err)
	}
}

func TestOptionsValidate(t *testing.T) {
	err := localrt.Options{Timeout: -1, Concurrency: -1, RecycleProbability: 2}.Validate()
	if err == nil {
		t.Fatal("want errors")
	}
	for _, s := range []string{"timeout", "concurrency", "recycle"} {
		if !contains(err.Error(), s) {
			t.Errorf("error %q does not mention %s", err, s)
		}
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// Idle is closed for an idle runtime, open while an invocation runs, and
// closed once it ends.
func TestIdle(t *testing.T) {
	release := make(chan struct{})
	rt, err := localrt.New(localrt.Options{}, localrt.Function{Name: "f", New: func() (lambda.Handler, error) {
		return lambda.NewHandler(func(context.Context, map[string]any) error { <-release; return nil }), nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-rt.Idle():
	default:
		t.Fatal("Idle of a runtime that never ran is open")
	}
	if err := rt.InvokeAsync("f", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	idle := rt.Idle()
	select {
	case <-idle:
		t.Fatal("Idle is closed while an invocation runs")
	default:
	}
	close(release)
	<-idle // closed when the invocation ends, or the test times out
	if st := rt.Stats(); st.Invocations != 1 {
		t.Errorf("invocations = %d, want 1", st.Invocations)
	}
}
