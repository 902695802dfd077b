package local

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/batonrun/baton/aggregate/fanin"
	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/chaos"
	"github.com/batonrun/baton/internal/ids"
	"github.com/batonrun/baton/internal/joblog"
	"github.com/batonrun/baton/internal/ledger"
	"github.com/batonrun/baton/internal/ledger/sqlite"
	"github.com/batonrun/baton/internal/localbus"
	"github.com/batonrun/baton/internal/localrt"
	"github.com/batonrun/baton/internal/objstore/cache"
	"github.com/batonrun/baton/internal/objstore/localfs"
	"github.com/batonrun/baton/internal/splitter"
	"github.com/batonrun/baton/internal/worker"
)

// ErrStalled reports a job whose invocations all ended without a terminal
// entry (for example an event that failed all its retries).
var ErrStalled = errors.New("job stalled")

// pollEvery is how often Run reports progress and checks for a stall
// while invocations run. The end of a job does not wait for it: Run wakes
// when a terminal event is published and when the runtime goes idle.
const pollEvery = 200 * time.Millisecond

// Run executes one job on the embedded defaults and waits for its end. A
// job that fails (bad query, object changed, bad record…) is an Outcome
// with Failed set, not an error; errors are for setup problems and stalls.
func Run(ctx context.Context, cfg Config) (Outcome, error) {
	if err := cfg.Validate(); err != nil {
		return Outcome{}, err
	}
	obj, store, err := objectOf(cfg)
	if err != nil {
		return Outcome{}, err
	}
	led, err := sqlite.Open(LedgerPath(cfg.StateDir), sqlite.Options{})
	if err != nil {
		return Outcome{}, fmt.Errorf("opening ledger: %w", err)
	}
	defer led.Close()
	jobID := cfg.JobID
	if jobID == "" {
		jobID = ids.New()
	}
	tel, err := newTelemetry(ctx, stateDirOf(cfg), jobID)
	if err != nil {
		return Outcome{}, err
	}
	e := &env{cfg: cfg, raw: led, ledger: led, store: store, splitStore: store, workStore: store, tel: tel}
	if err := e.build(); err != nil {
		return Outcome{}, errors.Join(err, tel.close(ctx))
	}
	req := events.JobRequested{SchemaVersion: events.SchemaVersion, JobID: jobID, Object: obj,
		Query: cfg.Query, Format: cfg.Format, Limits: cfg.Limits}
	start := time.Now()
	out, err := e.runJob(ctx, req)
	out.Wall = time.Since(start)
	out.Runtime = e.rt.Stats()
	out.Published, out.Delivered = e.bus.Counts()
	out.Redrives = e.redrives
	if e.chaos != nil {
		out.Chaos = e.chaos.Stats()
	}
	out.TracePath, out.LogPath = TracePath(stateDirOf(cfg), jobID), LogPath(stateDirOf(cfg), jobID)
	return out, errors.Join(err, tel.close(ctx)) // runJob returned with the runtime idle
}

// objectOf returns the object to read and the store to read it from:
// cfg.Store and cfg.Bucket/cfg.Path as given, or local files with the path
// made absolute (a directory is rejected here, a missing file fails the
// job as it would in AWS).
func objectOf(cfg Config) (events.ObjectRef, ObjectStore, error) {
	if cfg.Store != nil {
		return events.ObjectRef{Bucket: cfg.Bucket, Key: cfg.Path}, cfg.Store, nil
	}
	abs, err := filepath.Abs(cfg.Path)
	if err != nil {
		return events.ObjectRef{}, nil, fmt.Errorf("resolving %s: %w", cfg.Path, err)
	}
	if fi, err := os.Stat(abs); err == nil && !fi.Mode().IsRegular() {
		return events.ObjectRef{}, nil, fmt.Errorf("%s is not a regular file", cfg.Path)
	}
	store, err := localStore(cfg)
	if err != nil {
		return events.ObjectRef{}, nil, err
	}
	return events.ObjectRef{Key: abs}, store, nil
}

// localStore is the local file store, memoising fingerprints under the
// state directory so that a later run or redrive of an unchanged file does
// not hash it again (BLAKE3 of the whole file: ~0.4 s of CPU per GB).
func localStore(cfg Config) (*localfs.Store, error) {
	return localfs.New(localfs.Options{FingerprintCacheDir: filepath.Join(stateDirOf(cfg), "fingerprints")})
}

// env is one local deployment: runtime, bus and the three functions.
type env struct {
	attempt     int // the job attempt whose terminal entry wait looks for
	cfg         Config
	raw         *sqlite.Ledger   // for the waiter and the sweeper
	ledger      chaos.LedgerPort // for the handlers: raw, or with chaos
	store       ObjectStore      // as configured
	splitStore  ObjectStore      // the splitter's: store, or with chaos
	workStore   ObjectStore      // the workers': store, or with chaos and replacement
	chaos       *chaos.Injector  // nil without Config.Chaos
	tel         *telemetry
	rt          *localrt.Runtime
	bus         *localbus.Bus       // reliable: the first event, the sweeper
	pub         chaos.PublisherPort // for the handlers: bus, or with chaos
	redrives    int                 // sweeps that re-published events
	ended       chan struct{}       // a terminal event was published
	started     *events.JobStarted  // read once, for progress reports
	bytesDone   atomic.Int64
	failures    atomic.Int64
	lastFailure atomic.Value // string
}

func (e *env) build() error {
	if err := e.wrapChaos(); err != nil {
		return err
	}
	ro := e.cfg.Runtime
	bo := localbus.Options{DuplicateProbability: e.cfg.DuplicateProbability, Seed: e.cfg.Seed}
	if e.chaos != nil {
		ro.Faults = e.chaos.Runtime(FnWorker)
		bo = e.chaos.Plan().BusOptions()
	}
	userOnFailure := ro.OnFailure
	ro.OnFailure = func(fn string, payload []byte, err error) {
		e.failures.Add(1)
		e.lastFailure.Store(err.Error())
		if userOnFailure != nil {
			userOnFailure(fn, payload, err)
		}
	}
	rt, err := localrt.New(ro,
		localrt.Function{Name: FnSplitter, New: func() (lambda.Handler, error) {
			o := splitter.Options{Tracer: e.tel.prov.TracerProvider(), Propagator: e.tel.prov.Propagator(),
				Meter: e.tel.prov.MeterProvider(), Logger: e.tel.logger}
			return e.tel.flushing(lambda.NewHandler(splitter.New(e.splitStore, e.ledger, e.pub, o).Handle)), nil
		}, Timeout: localrt.DefaultTimeout},
		localrt.Function{Name: FnWorker, New: e.newWorker},
		localrt.Function{Name: FnAggregator, New: func() (lambda.Handler, error) {
			o := fanin.Options{Tracer: e.tel.prov.TracerProvider(), Propagator: e.tel.prov.Propagator(),
				Meter: e.tel.prov.MeterProvider(), Logger: e.tel.logger}
			return e.tel.flushing(lambda.NewHandler(fanin.New(e.ledger, e.pub, o).Handle)), nil
		}, Timeout: localrt.DefaultTimeout},
	)
	if err != nil {
		return err
	}
	bus, err := localbus.New(rt, bo)
	if err != nil {
		return err
	}
	bus.Route(events.TypeJobRequested, FnSplitter)
	bus.Route(events.TypeRangeAssigned, FnWorker)
	bus.Route(events.TypeRangeContinued, FnWorker)
	bus.Route(events.TypeFanInRequested, FnAggregator)
	e.ended = make(chan struct{}, 1)
	bus.Observe(func(env events.Envelope) {
		if env.DetailType == events.TypeJobSucceeded || env.DetailType == events.TypeJobFailed {
			select {
			case e.ended <- struct{}{}:
			default:
			}
		}
	})
	e.rt, e.bus, e.pub = rt, bus, bus
	if e.chaos != nil {
		e.pub = e.chaos.Publisher(bus)
	}
	return nil
}

// newWorker is one worker container: its own warm cache over the shared store.
func (e *env) newWorker() (lambda.Handler, error) {
	c, err := cache.New(e.workStore, cache.Options{MaxBytes: e.cfg.CacheBytes})
	if err != nil {
		return nil, err
	}
	w, err := worker.New(c, e.ledger, e.pub, worker.Options{Progress: e, Parallelism: workerParallelism(e.cfg.Runtime), CheapRereads: e.cfg.Store == nil, Tracer: e.tel.prov.TracerProvider(),
		Propagator: e.tel.prov.Propagator(), Meter: e.tel.prov.MeterProvider(), Logger: e.tel.logger})
	if err != nil {
		return nil, err
	}
	return e.tel.flushing(lambda.NewHandler(w.Handle)), nil
}

// BatchDone implements worker.Progress.
func (e *env) BatchDone(_ string, _ int, bytes, _ int64) { e.bytesDone.Add(bytes) }

func (e *env) runJob(ctx context.Context, req events.JobRequested) (Outcome, error) {
	out := Outcome{JobID: req.JobID}
	first, err := events.Encode(ids.New(), time.Now(), req)
	if err != nil {
		return out, err
	}
	if err := e.bus.Publish(ctx, first); err != nil {
		return out, fmt.Errorf("publishing JobRequested: %w", err)
	}
	defer func() {
		e.rt.Close()
		_ = e.rt.WaitIdle(context.WithoutCancel(ctx)) // let stragglers finish before the ledger closes
	}()
	return e.wait(ctx, out)
}

// wait reads the ledger for the terminal entry when the bus carries a
// terminal event, when the runtime goes idle, and every pollEvery, when it
// also reports progress and runs the sweeper.
func (e *env) wait(ctx context.Context, out Outcome) (Outcome, error) {
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	sw := &sweeper{opts: e.cfg.Sweep.withDefaults(e.workerTimeout()), lastActivity: time.Now()}
	defer func() { e.redrives = sw.sweeps }()
	for {
		idle := e.idleNow()
		done, err := e.terminal(ctx, &out)
		if err != nil || done {
			e.report(ctx, out.JobID)
			return out, err
		}
		st := e.rt.Stats()
		published, _ := e.bus.Counts()
		if sw.due(time.Now(), idle, st.Invocations, published) {
			if ok, err := e.sweep(ctx, sw, out.JobID); err != nil {
				return out, fmt.Errorf("job %s: redriving: %w", out.JobID, err)
			} else if ok {
				idle = false
			}
		}
		if idle {
			last, _ := e.lastFailure.Load().(string)
			hint := ""
			if strings.Contains(last, "timed out") {
				hint = " (an invocation must finish at least one batch before it can hand on: raise --timeout or lower --batch-size)"
			}
			return out, fmt.Errorf("job %s: %w: %d invocation(s) failed all retries, the last with: %s%s; see `baton events %s`", out.JobID, ErrStalled, e.failures.Load(), last, hint, out.JobID)
		}
		e.report(ctx, out.JobID)
		select {
		case <-ctx.Done():
			return out, ctx.Err()
		case <-tick.C:
		case <-e.ended: // the terminal entry is in the ledger
		case <-e.rt.Idle(): // nothing left to run: ended, or stalled
		}
	}
}

// workerTimeout is the range workers' invocation timeout.
func (e *env) workerTimeout() time.Duration {
	if t := e.cfg.Runtime.Timeout; t > 0 {
		return t
	}
	return localrt.DefaultTimeout
}

func (e *env) idleNow() bool {
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	return e.rt.WaitIdle(ctx) == nil
}

// terminal reads the job's terminal entry into out.
func (e *env) terminal(ctx context.Context, out *Outcome) (bool, error) {
	entry, err := e.raw.Get(ctx, out.JobID, joblog.Keys{Attempt: e.attempt}.Terminal())
	if errors.Is(err, ledger.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading job %s: %w", out.JobID, err)
	}
	switch entry.DetailType {
	case events.TypeJobSucceeded:
		out.Succeeded = &events.JobSucceeded{}
		return true, joblog.Decode(entry, out.Succeeded)
	case events.TypeJobFailed:
		out.Failed = &events.JobFailed{}
		return true, joblog.Decode(entry, out.Failed)
	}
	return true, fmt.Errorf("job %s: unexpected terminal entry %s", out.JobID, entry.DetailType)
}

func (e *env) report(ctx context.Context, jobID string) {
	if e.cfg.Progress == nil {
		return
	}
	if e.started == nil {
		if entry, err := e.raw.Get(ctx, jobID, joblog.KeyJob); err == nil {
			var js events.JobStarted
			if joblog.Decode(entry, &js) == nil {
				e.started = &js
			}
		}
	}
	p := Progress{BytesDone: e.bytesDone.Load()}
	if js := e.started; js != nil {
		p.Ranges, p.BytesTotal = js.RangeCount, js.Spec.Object.SizeBytes
	}
	if n, err := e.raw.Count(ctx, jobID, joblog.PrefixDone); err == nil {
		p.RangesDone = n
	}
	p.BytesDone = min(p.BytesDone, p.BytesTotal)
	e.cfg.Progress(p)
}
