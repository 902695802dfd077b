// Package localrt is a local Lambda-like runtime. It runs handlers the way
// AWS Lambda runs asynchronous (Event) invocations: each invocation gets a
// context whose deadline is the function timeout, containers are reused
// between invocations (so warm caches are hit) and sometimes recycled, at
// most Concurrency invocations run at once, and a failed or timed-out
// invocation is retried up to RetryAttempts times before it goes to the
// OnFailure destination (Lambda's MaximumRetryAttempts and on-failure
// destination).
package localrt

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
)

// DefaultTimeout is Lambda's maximum function timeout, 15 minutes.
const DefaultTimeout = 15 * time.Minute

// Function is one deployable function. New builds the handler of one
// container (a cold start); package-level warm state in Lambda corresponds
// to state captured by the handler New returns.
type Function struct {
	Name string
	New  func() (lambda.Handler, error)
	// Timeout overrides Options.Timeout for this function when positive.
	Timeout time.Duration
}

// Options configures a Runtime. The zero value means the documented defaults.
type Options struct {
	// Timeout per invocation; 0 means DefaultTimeout.
	Timeout time.Duration
	// Concurrency is the most invocations running at once; 0 means runtime.NumCPU().
	Concurrency int
	// RetryAttempts after a failed invocation; 0 means 2 (Lambda's default
	// for asynchronous invocation), negative means none.
	RetryAttempts int
	// RetryDelay before the first retry, doubled for each further one; 0 means 10ms.
	RetryDelay time.Duration
	// RecycleProbability is the chance a container is discarded after an
	// invocation, losing its warm state. 0 means 0.02; negative means never.
	RecycleProbability float64
	// Seed seeds recycling decisions; runs with the same seed recycle alike.
	Seed uint64
	// OnFailure receives invocations whose retries are exhausted.
	OnFailure func(fn string, payload []byte, err error)
	// Faults, when set, injects recycling and hard kills (chaos testing).
	Faults Faults
}

// Validate reports every bad field.
func (o Options) Validate() error {
	var errs []error
	if o.Timeout < 0 {
		errs = append(errs, fmt.Errorf("timeout %v is negative", o.Timeout))
	}
	if o.Concurrency < 0 {
		errs = append(errs, fmt.Errorf("concurrency %d is negative", o.Concurrency))
	}
	if o.RetryDelay < 0 {
		errs = append(errs, fmt.Errorf("retry delay %v is negative", o.RetryDelay))
	}
	if o.RecycleProbability > 1 {
		errs = append(errs, fmt.Errorf("recycle probability %v is above 1", o.RecycleProbability))
	}
	return errors.Join(errs...)
}

func (o Options) withDefaults() Options {
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Concurrency == 0 {
		o.Concurrency = runtime.NumCPU()
	}
	if o.RetryAttempts == 0 {
		o.RetryAttempts = 2
	} else if o.RetryAttempts < 0 {
		o.RetryAttempts = 0
	}
	if o.RetryDelay == 0 {
		o.RetryDelay = 10 * time.Millisecond
	}
	if o.RecycleProbability == 0 {
		o.RecycleProbability = 0.02
	}
	return o
}

// Stats counts what the runtime did.
type Stats struct {
	Invocations int64 // attempts, including retries
	ColdStarts  int64
	Recycled    int64
	Errors      int64 // attempts that returned an error
	Timeouts    int64 // attempts that ran past their deadline
	Killed      int64 // timed-out attempts abandoned without waiting (Faults)
	Failed      int64 // invocations sent to OnFailure
}

// Runtime runs functions. It is safe for concurrent use.
type Runtime struct {
	opts  Options
	fns   map[string]Function
	slots chan struct{}

	mu      sync.Mutex
	idle    map[string][]*container
	pending int
	idleCh  chan struct{}
	rng     *rand.Rand
	stats   Stats
	closed  bool
}

type container struct {
	h lambda.Handler
}

// ErrUnknownFunction reports an invocation of a function not registered.
var ErrUnknownFunction = errors.New("unknown function")

// ErrClosed reports an invocation after Close.
var ErrClosed = errors.New("runtime closed")

// New builds a Runtime for fns.
func New(o Options, fns ...Function) (*Runtime, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	o = o.withDefaults()
	r := &Runtime{opts: o, fns: map[string]Function{}, slots: make(chan struct{}, o.Concurrency),
		idle: map[string][]*container{}, rng: rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))}
	for _, f := range fns {
		if f.Name == "" || f.New == nil {
			return nil, fmt.Errorf("function %q needs a name and a constructor", f.Name)
		}
		r.fns[f.Name] = f
	}
	return r, nil
}

// Stats returns a snapshot of the counters.
func (r *Runtime) Stats() Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stats
}
