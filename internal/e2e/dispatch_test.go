package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// dispatcher stands in for Lambda's asynchronous invoke of a rule's
// target: it long-polls each function's queue and runs each message body
// (the EventBridge event as a target receives it) on an idle container of
// the function's pool. A failed invocation (function error, timeout,
// emulator failure) is retried up to the function's retry count, then
// recorded as a failure; the message is deleted either way, as Lambda
// drops (or dead-letters) an event after its last retry.
type dispatcher struct {
	sqs     *sqs.Client
	targets map[string]target // function name -> target

	mu       sync.Mutex
	failures []string
	counts   map[string]int // invocations per function
	observe  func(fn string, event, reply []byte, err error)
}

// target is one function: its queue, containers and retry count.
type target struct {
	Queue   string
	Pool    *pool
	Retries int
}

// retryDelay is the pause before a retry. Lambda waits about a minute;
// the emulated stack needs no such pause to be faithful in what it runs.
const retryDelay = 100 * time.Millisecond

// run polls every queue until ctx ends, with as many pollers per function
// as it has containers. It returns when every poller has stopped.
func (d *dispatcher) run(ctx context.Context) {
	var wg sync.WaitGroup
	for fn, tg := range d.targets {
		for range len(tg.Pool.all) {
			wg.Go(func() { d.poll(ctx, fn, tg) })
		}
	}
	wg.Wait()
}

func (d *dispatcher) poll(ctx context.Context, fn string, tg target) {
	for ctx.Err() == nil {
		out, err := d.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(tg.Queue),
			MaxNumberOfMessages: 1, WaitTimeSeconds: 1, VisibilityTimeout: 300})
		if err != nil {
			if ctx.Err() == nil {
				d.fail(fmt.Sprintf("%s: receiving: %v", fn, err))
				time.Sleep(retryDelay)
			}
			continue
		}
		for _, m := range out.Messages {
			d.deliver(ctx, fn, tg, []byte(aws.ToString(m.Body)))
			if ctx.Err() != nil {
				return
			}
			if _, err := d.sqs.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(tg.Queue),
				ReceiptHandle: m.ReceiptHandle}); err != nil && ctx.Err() == nil {
				d.fail(fmt.Sprintf("%s: deleting message: %v", fn, err))
			}
		}
	}
}

// deliver invokes fn with event, retrying like Lambda's async invoke.
func (d *dispatcher) deliver(ctx context.Context, fn string, tg target, event []byte) {
	var errs []error
	for attempt := 0; attempt <= tg.Retries; attempt++ {
		if attempt > 0 {
			time.Sleep(retryDelay)
		}
		reply, err := tg.Pool.invoke(ctx, event)
		d.mu.Lock()
		d.counts[fn]++
		observe := d.observe
		d.mu.Unlock()
		if observe != nil {
			observe(fn, event, reply, err)
		}
		if err == nil || ctx.Err() != nil {
			return
		}
		errs = append(errs, fmt.Errorf("attempt %d: %w", attempt+1, err))
	}
	d.fail(fmt.Sprintf("%s: %s event %s failed after %d retries: %v", fn, detailType(event), eventID(event), tg.Retries, errors.Join(errs...)))
}

func (d *dispatcher) fail(msg string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.failures = append(d.failures, msg)
}

// report returns the recorded failures and invocation counts.
func (d *dispatcher) report() (failures []string, counts map[string]int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	counts = map[string]int{}
	for k, v := range d.counts {
		counts[k] = v
	}
	return append([]string(nil), d.failures...), counts
}

// startDispatcher runs a dispatcher until the returned stop is called
// (stop waits for its pollers).
func startDispatcher(q *sqs.Client, targets map[string]target, observe func(fn string, event, reply []byte, err error)) (*dispatcher, func()) {
	d := &dispatcher{sqs: q, targets: targets, counts: map[string]int{}, observe: observe}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.run(ctx); close(done) }()
	return d, func() { cancel(); <-done }
}

func detailType(event []byte) string {
	var e struct {
		DetailType string `json:"detail-type"`
	}
	_ = json.Unmarshal(event, &e)
	return e.DetailType
}

func eventID(event []byte) string {
	var e struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(event, &e)
	return e.ID
}

func joinLines(lines []string) string { return strings.Join(lines, "\n") }
