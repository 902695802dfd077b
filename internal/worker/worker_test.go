package worker_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/batonrun/baton/aggregate/fanin"
	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/joblog"
	"github.com/batonrun/baton/internal/ledger"
	ledgermem "github.com/batonrun/baton/internal/ledger/memory"
	objmem "github.com/batonrun/baton/internal/objstore/memory"
	"github.com/batonrun/baton/internal/splitter"
	"github.com/batonrun/baton/internal/worker"
)

// fakeClock advances only when told to. It starts an hour ahead of real
// time so that real contexts carrying its deadlines never expire.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *fakeClock { return &fakeClock{now: time.Now().Add(time.Hour)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// slowBatches makes every batch take perBatch of fake time.
type slowBatches struct {
	clock    *fakeClock
	perBatch time.Duration
}

func (s *slowBatches) BatchDone(string, int, int64, int64) { s.clock.Advance(s.perBatch) }

// timedLedger records the fake time of every checkpoint append.
// With callTakes set, every Get and Append takes that much fake time, and
// a commit is recorded when its Append ends.
type timedLedger struct {
	*ledgermem.Ledger
	clock     *fakeClock
	callTakes time.Duration
	mu        sync.Mutex
	commits   []time.Time
}

func (l *timedLedger) Get(ctx context.Context, jobID, key string) (ledger.Entry, error) {
	l.clock.Advance(l.callTakes)
	return l.Ledger.Get(ctx, jobID, key)
}

func (l *timedLedger) Append(ctx context.Context, jobID string, entries ...ledger.Entry) error {
	l.clock.Advance(l.callTakes)
	for _, e := range entries {
		if strings.HasPrefix(e.Key, joblog.PrefixCkpt) {
			l.mu.Lock()
			l.commits = append(l.commits, l.clock.Now())
			l.mu.Unlock()
		}
	}
	return l.Ledger.Append(ctx, jobID, entries...)
}

// queue is a Publisher that keeps events for the test to deliver. With a
// clock, each call takes callTakes of fake time, and the times calls end
// are kept.
type queue struct {
	mu        sync.Mutex
	envs      []events.Envelope
	clock     *fakeClock
	callTakes time.Duration
	ends      []time.Time
}

func (q *queue) Publish(_ context.Context, envs ...events.Envelope) error {
	if len(envs) > events.MaxEntriesPerPut {
		return fmt.Errorf("%d entries in one call", len(envs))
	}
	if q.clock != nil {
		q.clock.Advance(q.callTakes)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.envs = append(q.envs, envs...)
	if q.clock != nil {
		q.ends = append(q.ends, q.clock.Now())
	}
	return nil
}

func (q *queue) pop() (events.Envelope, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.envs) == 0 {
		return events.Envelope{}, false
	}
	e := q.envs[0]
	q.envs = q.envs[1:]
	return e, true
}

// harness runs splitter, worker and aggregator over in-memory ports,
// delivering events one at a time with a per-invocation timeout.
type harness struct {
	t        testing.TB
	clock    *fakeClock
	store    *objmem.Store
	slow     *slowBatches
	ledger   *timedLedger
	bus      *queue
	timeout  time.Duration
	deliver  func(events.Envelope) int // copies to deliver; nil means 1
	deadline []time.Time
	// tel, when set, is passed to the three handlers' options; after, when
	// set, runs after each handler call returns.
	tel   *telemetry
	after func(events.Envelope)
	// cache, when set, wraps the store for the worker (the warm cache).
	cache worker.ObjectReader
	// par is the worker's Options.Parallelism, rereads its CheapRereads;
	// worker is the last one built.
	par     int
	rereads bool
	worker  *worker.Worker
}

// telemetry is the OpenTelemetry and slog ports of the three handlers.
type telemetry struct {
	tp     trace.TracerProvider
	prop   propagation.TextMapPropagator
	mp     metric.MeterProvider
	logger *slog.Logger
}

// handlers builds the splitter, worker and aggregator with h's clock,
// progress hook and telemetry.
func (h *harness) handlers() (*splitter.Splitter, *worker.Worker, *fanin.Aggregator) {
	h.t.Helper()
	so := splitter.Options{Now: h.clock.Now}
	wo := worker.Options{Now: h.clock.Now, Progress: h.slow, Parallelism: h.par, CheapRereads: h.rereads}
	fo := fanin.Options{Now: h.clock.Now}
	if tel := h.tel; tel != nil {
		so.Tracer, so.Propagator, so.Meter, so.Logger = tel.tp, tel.prop, tel.mp, tel.logger
		wo.Tracer, wo.Propagator, wo.Meter, wo.Logger = tel.tp, tel.prop, tel.mp, tel.logger
		fo.Tracer, fo.Propagator, fo.Meter, fo.Logger = tel.tp, tel.prop, tel.mp, tel.logger
	}
	var store worker.ObjectReader = h.store
	if h.cache != nil {
		store = h.cache
	}
	w, err := worker.New(store, h.ledger, h.bus, wo)
	if err != nil {
		h.t.Fatal(err)
	}
	h.worker = w
	return splitter.New(h.store, h.ledger, h.bus, so), w, fanin.New(h.ledger, h.bus, fo)
}

func newHarness(t testing.TB, data string, perBatch time.Duration, batchBytes int64) *harness {
	clock := newClock()
	mem := objmem.New(objmem.Options{})
	mem.Put("", "obj.csv", []byte(data))
	return &harness{t: t, clock: clock, store: mem, slow: &slowBatches{clock: clock, perBatch: perBatch},
		ledger: &timedLedger{Ledger: ledgermem.New(), clock: clock}, bus: &queue{}}
}

func (h *harness) run(req events.JobRequested) events.JobSucceeded {
	h.t.Helper()
	e := h.end(req)
	if e.DetailType != events.TypeJobSucceeded {
		h.t.Fatalf("job ended with %s: %s", e.DetailType, e.Detail)
	}
	var s events.JobSucceeded
	if err := joblog.Decode(e, &s); err != nil {
		h.t.Fatal(err)
	}
	return s
}

// end runs the job to its end and returns its terminal ledger entry.
func (h *harness) end(req events.JobRequested) ledger.Entry {
	h.t.Helper()
	ctx := context.Background()
	sp, w, agg := h.handlers()
	env, err := events.Encode("req-1", h.clock.Now(), req)
	if err != nil {
		h.t.Fatal(err)
	}
	h.bus.envs = append(h.bus.envs, env)
	for steps := 0; ; steps++ {
		if steps > 100000 {
			h.t.Fatal("job does not finish")
		}
		env, ok := h.bus.pop()
		if !ok {
			break
		}
		copies := 1
		if h.deliver != nil {
			copies = h.deliver(env)
		}
		for range copies {
			ictx, cancel := context.WithDeadline(ctx, h.clock.Now().Add(h.timeout))
			dl, _ := ictx.Deadline()
			h.deadline = append(h.deadline, dl)
			switch env.DetailType {
			case events.TypeJobRequested:
				err = sp.Handle(ictx, env)
			case events.TypeRangeAssigned, events.TypeRangeContinued:
				err = w.Handle(ictx, env)
			case events.TypeFanInRequested:
				err = agg.Handle(ictx, env)
			default:
				err = nil
			}
			cancel()
			if err != nil {
				h.t.Fatalf("%s: %v", env.DetailType, err)
			}
			if h.after != nil {
				h.after(env)
			}
		}
	}
	e, err := h.ledger.Get(ctx, req.JobID, joblog.KeyTerminal)
	if err != nil {
		h.t.Fatalf("no terminal entry: %v", err)
	}
	return e
}

// jobFailed decodes a terminal entry that must be JobFailed with code.
func jobFailed(t *testing.T, e ledger.Entry, code string) events.JobFailed {
	t.Helper()
	var jf events.JobFailed
	if err := joblog.Decode(e, &jf); err != nil || jf.Code != code {
		t.Fatalf("terminal %s %s (%v), want JobFailed %s", e.DetailType, e.Detail, err, code)
	}
	return jf
}

func lines(n int) string {
	var b strings.Builder
	b.WriteString("k,v\n")
	for i := range n {
		fmt.Fprintf(&b, "%c,%d\n", 'a'+i%3, i)
	}
	return b.String()
}

func request(jobID string, batch int64) events.JobRequested {
	return events.JobRequested{SchemaVersion: events.SchemaVersion, JobID: jobID, Object: events.ObjectRef{Key: "obj.csv"},
		Query: "SELECT count(*), sum(v) FROM s3object", Format: events.Format{Kind: "csv", Header: true},
		Limits: events.Limits{RangeSizeBytes: 1 << 20, BatchSizeBytes: batch}}
}

// With 8 s batches and a 15 s timeout, each invocation must run one batch
// and commit before its deadline, though the margin (7 s) is smaller than a
// batch: the worker measured the batch and stopped.
func TestSlowBatchesCheckpointBeforeDeadline(t *testing.T) {
	const n = 5000
	h := newHarness(t, lines(n), 8*time.Second, 4096)
	h.timeout = 15 * time.Second
	res := h.run(request("slow", 4096))
	want := fmt.Sprint(n, ",", n*(n-1)/2)
	if got := strings.Join(res.Result.Rows[0], ","); got != want {
		t.Fatalf("result %s, want %s", got, want)
	}
	if res.Stats.Hops < 5 {
		t.Fatalf("hops %d: expected recursion", res.Stats.Hops)
	}
	checkCommitsBeforeDeadlines(t, h)
}

func checkCommitsBeforeDeadlines(t *testing.T, h *harness) {
	t.Helper()
	if len(h.ledger.commits) == 0 {
		t.Fatal("no commits")
	}
	// Every commit must precede the deadline of the invocation that made it;
	// invocations run one at a time, so the latest deadline not after the
	// commit's start is its own.
	for i, c := range h.ledger.commits {
		ok := false
		for _, d := range h.deadline {
			if !c.After(d) && c.After(d.Add(-h.timeout)) {
				ok = true
			}
		}
		if !ok {
			t.Fatalf("commit %d at %v is after its invocation's deadline", i, c)
		}
	}
}

// A missing deadline means no deadline: one invocation does the whole range.
func TestNoDeadlineMeansNoHops(t *testing.T) {
	h := newHarness(t, lines(3000), time.Hour, 1024)
	h.timeout = 0
	sp := splitter.New(h.store, h.ledger, h.bus, splitter.Options{Now: h.clock.Now})
	w, _ := worker.New(h.store, h.ledger, h.bus, worker.Options{Now: h.clock.Now, Progress: h.slow})
	env, _ := events.Encode("r", h.clock.Now(), request("nodl", 1024))
	if err := sp.Handle(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	assigned, _ := h.bus.pop()
	if err := w.Handle(context.Background(), assigned); err != nil {
		t.Fatal(err)
	}
	next, _ := h.bus.pop()
	if next.DetailType != events.TypeFanInRequested {
		t.Fatalf("next event %s, want FanInRequested (no hop without a deadline)", next.DetailType)
	}
}

// Every event delivered twice: the result is unchanged and each
// (range, generation) has exactly one checkpoint.
func TestDuplicateDeliveriesChangeNothing(t *testing.T) {
	const n = 4000
	h := newHarness(t, lines(n), 8*time.Second, 2048)
	h.timeout = 15 * time.Second
	h.deliver = func(events.Envelope) int { return 2 }
	res := h.run(request("dup", 2048))
	if got, want := strings.Join(res.Result.Rows[0], ","), fmt.Sprint(n, ",", n*(n-1)/2); got != want {
		t.Fatalf("result %s, want %s", got, want)
	}
	cks, _ := h.ledger.List(context.Background(), "dup", joblog.PrefixCkpt)
	if len(cks) != res.Stats.Invocations {
		t.Fatalf("%d checkpoints, %d invocations", len(cks), res.Stats.Invocations)
	}
}

// A generation beyond the hop cap fails the range loudly.
func TestHopCapFailsTheRange(t *testing.T) {
	h := newHarness(t, lines(3000), 8*time.Second, 1024)
	h.timeout = 15 * time.Second
	req := request("cap", 1024)
	req.Limits.MaxHops = 3
	jf := jobFailed(t, h.end(req), events.CodeHopCap)
	if !strings.Contains(jf.Reason, "hop cap of 3") {
		t.Fatalf("reason %q", jf.Reason)
	}
}

func TestMalformedEventIsRejected(t *testing.T) {
	w, err := worker.New(objmem.New(objmem.Options{}), ledgermem.New(), &queue{}, worker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	bad := events.Envelope{DetailType: events.TypeRangeAssigned, Detail: []byte(`{"schemaVersion":1,"jobId":"j","range":{"index":-1}}`)}
	if err := w.Handle(context.Background(), bad); !errors.Is(err, events.ErrMalformed) {
		t.Fatalf("got %v", err)
	}
	other := events.Envelope{DetailType: "Nope", Detail: []byte(`{}`)}
	if err := w.Handle(context.Background(), other); !errors.Is(err, worker.ErrUnknownDetailType) {
		t.Fatalf("got %v", err)
	}
}

// Replacing the object mid-job fails the job with "object changed" and
// merges nothing, for a shorter object and for one of the same size.
func TestObjectReplacedMidJobFails(t *testing.T) {
	for name, replace := range map[string]func(string) string{
		"shorter":   func(s string) string { return s[:len(s)/2] },
		"same size": func(s string) string { return strings.Replace(s, "a,", "b,", 1) },
	} {
		t.Run(name, func(t *testing.T) {
			data := lines(3000)
			h := newHarness(t, data, 8*time.Second, 1024)
			h.timeout = 15 * time.Second
			replaced := false
			h.deliver = func(e events.Envelope) int {
				if e.DetailType == events.TypeRangeContinued && !replaced {
					h.store.Put("", "obj.csv", []byte(replace(data)))
					replaced = true
				}
				return 1
			}
			jf := jobFailed(t, h.end(request("chg", 1024)), events.CodeObjectChanged)
			if !strings.Contains(jf.Reason, "object changed during job") {
				t.Fatalf("reason %q", jf.Reason)
			}
		})
	}
}

// A slow publish is part of the invocation's tail: once the worker has seen
// one, every later invocation hands on (commit and publish) before its
// deadline. Only the container's first invocation, which had nothing to go
// on but the 10 ms default, may overrun.
func TestSlowPublishIsKeptInReserve(t *testing.T) {
	const n = 30000
	h := newHarness(t, lines(n), 2*time.Second, 4096)
	h.timeout = 20 * time.Second
	h.bus.clock, h.bus.callTakes = h.clock, 6*time.Second
	res := h.run(request("slowpub", 4096))
	if res.Stats.Hops < 5 {
		t.Fatalf("hops %d: expected recursion", res.Stats.Hops)
	}
	late := 0
	for _, end := range h.bus.ends {
		inWindow := false
		for _, d := range h.deadline {
			if !end.After(d) && end.After(d.Add(-h.timeout)) {
				inWindow = true
			}
		}
		if !inWindow {
			late++
		}
	}
	if late > 1 {
		t.Fatalf("%d of %d publishes ended after their invocation's deadline", late, len(h.bus.ends))
	}
}

// A container's first invocation has seen no tail yet; its reads before
// the scan tell it how slow the ledger is, and it keeps that much back, so
// even the first commit ends before its deadline.
func TestSlowLedgerIsKeptInReserveFromTheStart(t *testing.T) {
	const n = 60000
	h := newHarness(t, lines(n), time.Second, 4096)
	h.timeout = 40 * time.Second
	h.ledger.callTakes = 3 * time.Second
	res := h.run(request("slowledger", 4096))
	if res.Stats.Hops < 3 {
		t.Fatalf("hops %d: expected recursion", res.Stats.Hops)
	}
	checkCommitsBeforeDeadlines(t, h)
}
