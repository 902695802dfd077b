// Package worker is the range worker: it reads its range in batches, and when
// its invocation deadline comes near it commits a checkpoint (cursor plus the
// partial result of what it read) and hands the rest of the range to the next
// invocation with a RangeContinued event. The commit that completes the last
// range publishes FanInRequested.
//
// Idempotency (DESIGN.md invariant 2): a checkpoint for (job, range,
// generation) is a conditional ledger append, so it lands at most once; a
// duplicate invocation of a committed generation only makes sure the event
// it owes has been published.
package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/ids"
	"github.com/batonrun/baton/internal/joblog"
	"github.com/batonrun/baton/internal/ledger"
	"github.com/batonrun/baton/internal/tracectx"
)

// ObjectReader reads pinned byte ranges (the object store port).
type ObjectReader interface {
	// ReadRange returns bytes [offset, offset+length) of exactly obj's
	// version, fewer only at the end of the object.
	ReadRange(ctx context.Context, obj events.ObjectRef, offsetBytes, lengthBytes int64) ([]byte, error)
}

// Ledger is the part of the event log the worker uses.
type Ledger interface {
	Append(ctx context.Context, jobID string, entries ...ledger.Entry) error
	Get(ctx context.Context, jobID, key string) (ledger.Entry, error)
	Count(ctx context.Context, jobID, keyPrefix string) (int, error)
}

// Publisher publishes events to the bus, at most events.MaxEntriesPerPut per call.
type Publisher interface {
	Publish(ctx context.Context, envs ...events.Envelope) error
}

// Progress observes batches as they finish; it must be safe for concurrent use.
type Progress interface {
	BatchDone(jobID string, rangeIndex int, bytes, records int64)
}

// Options tunes a Worker. The zero value is valid.
type Options struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// NewID returns unique event ids; nil means random ids.
	NewID func() string
	// CommitReserve is the time kept back for an invocation's tail (the
	// checkpoint commit and the event it owes) before any observation; 0
	// means 10ms. The worker then follows a moving average of the tails it
	// observes, capped at half of each invocation's time.
	CommitReserve time.Duration
	// Progress, when set, is told about every batch.
	Progress Progress
	// Parallelism is how many goroutines scan each batch after an
	// invocation's first, each a byte span of the batch with its own
	// reader, decoder and accumulator; 0 means runtime.GOMAXPROCS(0), 1
	// scans sequentially. Checkpoints, errors and bad-record handling are
	// those of the sequential scan (a float sum may differ in its last
	// bits, as across ranges; a MaxGroups or MaxRows overflow may be found
	// when span results merge, with the same failure code): a batch whose
	// spans disagree on a record start (a quoted CSV line break across a
	// span boundary), fail, meet a bad record or run short of time is
	// discarded and run again sequentially. On Lambda leave it 0: Go sets
	// GOMAXPROCS from the cgroup CPU limit, and Lambda gives a function one
	// vCPU per 1,769 MB of memory. Above 1, Now is called from several
	// goroutines at once.
	Parallelism int
	// CheapRereads says the store serves a read that overlaps an earlier
	// one as cheaply as any other (a local file): readers then read again
	// the bytes of a record that spans two reads instead of copying every
	// read (record.ReaderOptions.Reread). Leave it false for S3, whose
	// read-ahead expects each read to start where the last one ended.
	CheapRereads bool

	// Tracer starts the "baton.range" span of each invocation; nil means
	// otel.GetTracerProvider().
	Tracer trace.TracerProvider
	// Propagator reads the event's Trace and writes the Trace of every
	// event published and of RangeCompleted; nil means
	// otel.GetTextMapPropagator().
	Propagator propagation.TextMapPropagator
	// Meter records the baton.* metrics; nil means otel.GetMeterProvider().
	Meter metric.MeterProvider
	// Logger gets a few lines per invocation, logged with the span's
	// context; nil means slog.Default().
	Logger *slog.Logger
}

// Validate rejects a negative CommitReserve or Parallelism, joining both.
func (o Options) Validate() error {
	var errs []error
	if o.CommitReserve < 0 {
		errs = append(errs, fmt.Errorf("worker options: negative CommitReserve %v", o.CommitReserve))
	}
	if o.Parallelism < 0 {
		errs = append(errs, fmt.Errorf("worker options: negative Parallelism %d", o.Parallelism))
	}
	return errors.Join(errs...)
}

// Worker handles RangeAssigned and RangeContinued. One Worker is one warm
// container: it keeps observed commit times and the last compiled query
// between invocations. It is safe
// for concurrent use.
type Worker struct {
	store    ObjectReader
	ledger   Ledger
	bus      Publisher
	opts     Options
	commit   *commitEstimate
	compiled compiledCache
	started  startedCache
	tel      *tracectx.Telemetry
	parStats parallelStats
}

// New builds a Worker.
func New(store ObjectReader, l Ledger, bus Publisher, o Options) (*Worker, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.NewID == nil {
		o.NewID = ids.New
	}
	if o.CommitReserve == 0 {
		o.CommitReserve = 10 * time.Millisecond
	}
	if o.Parallelism == 0 {
		o.Parallelism = runtime.GOMAXPROCS(0)
	}
	tel := tracectx.New("github.com/batonrun/baton/internal/worker", tracectx.Providers{
		Tracer: o.Tracer, Propagator: o.Propagator, Meter: o.Meter, Logger: o.Logger})
	return &Worker{store: store, ledger: &conflictLedger{Ledger: l, tel: tel}, bus: tel.CountPublished(bus),
		opts: o, commit: &commitEstimate{v: o.CommitReserve}, tel: tel}, nil
}

// ErrUnknownDetailType reports an event this handler does not take.
var ErrUnknownDetailType = errors.New("unknown detail-type")

// Handle processes one RangeAssigned or RangeContinued event. It returns nil
// when the work is committed, when the event was a duplicate, or when the
// range failed permanently (the failure is then recorded in the ledger and
// published). It returns an error only for transient trouble worth a retry,
// and for malformed events (wrapping events.ErrMalformed).
//
// Each call is one "baton.range" span, ended before Handle returns, whose
// parent is the span that published the event (the event's Trace). The
// events it publishes, and the RangeCompleted it commits, carry its context.
func (w *Worker) Handle(ctx context.Context, env events.Envelope) error {
	t0 := w.opts.Now()
	inv, err := decodeInvocation(env)
	ctx, span := w.startSpan(ctx, inv, err == nil)
	defer tracectx.EndOnPanic(span)
	outcome := tracectx.OutcomeRefused
	if err == nil {
		outcome, err = w.run(ctx, inv)
	}
	w.tel.Metrics.Duration.Record(ctx, float64(w.opts.Now().Sub(t0).Microseconds())/1000)
	if err != nil {
		w.logger(inv).ErrorContext(ctx, "range invocation failed", "outcome", outcome, "error", err)
	}
	tracectx.End(span, outcome, err)
	return err
}

func decodeInvocation(env events.Envelope) (invocation, error) {
	switch env.DetailType {
	case events.TypeRangeAssigned:
		var e events.RangeAssigned
		if err := events.Decode(env, &e); err != nil {
			return invocation{}, err
		}
		return invocation{jobID: e.JobID, rng: e.Range, spec: e.Spec, cursor: e.Range.OffsetBytes, trace: e.Trace, keys: joblog.Keys{Attempt: e.Attempt}}, nil
	case events.TypeRangeContinued:
		var e events.RangeContinued
		if err := events.Decode(env, &e); err != nil {
			return invocation{}, err
		}
		return invocation{jobID: e.JobID, rng: e.Range, spec: e.Spec, gen: e.Generation, cursor: e.CursorBytes, synced: true, trace: e.Trace,
			badBefore: e.BadRecordsBefore, keys: joblog.Keys{Attempt: e.Attempt}}, nil
	}
	return invocation{}, fmt.Errorf("worker: %w %q", ErrUnknownDetailType, env.DetailType)
}

// invocation is one (job, range, generation) to run.
type invocation struct {
	jobID  string
	rng    events.Range
	spec   events.JobSpec
	gen    int
	cursor int64
	synced bool
	trace  *events.Trace
	// badBefore is how many bad records the range's earlier generations
	// skipped (RangeContinued.BadRecordsBefore).
	badBefore int64
	// keys are the ledger keys of the event's attempt.
	keys joblog.Keys
	// tailFloor is set by run before the scan (see scanState.tailFloor).
	tailFloor time.Duration
}
