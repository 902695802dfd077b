package worker_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/batonrun/baton/aggregate/fanin"
	"github.com/batonrun/baton/events"
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
	"github.com/batonrun/baton/observability"
)

// hopBatchBytes is the batch size of the hop benchmark: every invocation
// reads one batch of this many bytes, so scanning is a few microseconds of
// each hop.
const hopBatchBytes = 1 << 10

// hopsPerJob is how many hops one job of BenchmarkHop makes (about: the
// file holds hopsPerJob+1 batches of hopBatchBytes).
const hopsPerJob = 200

// hopStack is the local stack as internal/local wires it: the SQLite
// ledger, the local runtime with warm containers, the in-process bus,
// span files flushed after every invocation, and a warm range cache per
// worker container. Its workers run on a clock one hour ahead of the
// runtime's deadlines, so every invocation finds its deadline past: it
// reads its one unconditional batch, commits and hands on.
type hopStack struct {
	led  *sqlite.Ledger
	rt   *localrt.Runtime
	bus  *localbus.Bus
	prov *observability.Providers
	end  chan events.Envelope
}

func newHopStack(b *testing.B, dir string) *hopStack {
	b.Helper()
	ctx := context.Background()
	led, err := sqlite.Open(filepath.Join(dir, "ledger.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	prov, err := observability.New(ctx, observability.Options{ServiceName: "baton-bench",
		Exporter: observability.ExporterFile, FilePath: filepath.Join(dir, "spans.jsonl")})
	if err != nil {
		b.Fatal(err)
	}
	store, err := localfs.New(localfs.Options{FingerprintCacheDir: filepath.Join(dir, "fingerprints")})
	if err != nil {
		b.Fatal(err)
	}
	s := &hopStack{led: led, prov: prov, end: make(chan events.Envelope, 1)}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ahead := func() time.Time { return time.Now().Add(time.Hour) }
	flush := func(h lambda.Handler) lambda.Handler { return flushing{h, prov} }
	rt, err := localrt.New(localrt.Options{Concurrency: 1, RecycleProbability: -1},
		localrt.Function{Name: "splitter", New: func() (lambda.Handler, error) {
			o := splitter.Options{Tracer: prov.TracerProvider(), Propagator: prov.Propagator(), Logger: log}
			return flush(lambda.NewHandler(splitter.New(store, led, s.bus, o).Handle)), nil
		}},
		localrt.Function{Name: "worker", New: func() (lambda.Handler, error) {
			c, err := cache.New(store, cache.Options{})
			if err != nil {
				return nil, err
			}
			w, err := worker.New(c, led, s.bus, worker.Options{Now: ahead, Tracer: prov.TracerProvider(),
				Propagator: prov.Propagator(), Logger: log})
			return flush(lambda.NewHandler(w.Handle)), err
		}},
		localrt.Function{Name: "aggregator", New: func() (lambda.Handler, error) {
			o := fanin.Options{Tracer: prov.TracerProvider(), Propagator: prov.Propagator(), Logger: log}
			return flush(lambda.NewHandler(fanin.New(led, s.bus, o).Handle)), nil
		}},
	)
	if err != nil {
		b.Fatal(err)
	}
	s.rt = rt
	if s.bus, err = localbus.New(rt, localbus.Options{}); err != nil {
		b.Fatal(err)
	}
	s.bus.Route(events.TypeJobRequested, "splitter")
	s.bus.Route(events.TypeRangeAssigned, "worker")
	s.bus.Route(events.TypeRangeContinued, "worker")
	s.bus.Route(events.TypeFanInRequested, "aggregator")
	s.bus.Observe(func(env events.Envelope) {
		if env.DetailType == events.TypeJobSucceeded || env.DetailType == events.TypeJobFailed {
			s.end <- env
		}
	})
	b.Cleanup(func() {
		rt.Close()
		_ = rt.WaitIdle(ctx)
		_ = prov.Close(ctx)
		_ = led.Close()
	})
	return s
}

// flushing ends every invocation with a ForceFlush, as internal/local does.
type flushing struct {
	h    lambda.Handler
	prov *observability.Providers
}

func (f flushing) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	out, err := f.h.Invoke(ctx, payload)
	return out, errorsJoin(err, f.prov.ForceFlush(context.WithoutCancel(ctx)))
}

func errorsJoin(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// run runs one job over path and returns its hops (the range's
// generations after the first), failing b unless the job succeeds.
func (s *hopStack) run(b *testing.B, path string, size int64) int {
	b.Helper()
	ctx := context.Background()
	req := events.JobRequested{SchemaVersion: events.SchemaVersion, JobID: ids.New(),
		Object: events.ObjectRef{Key: path}, Query: "SELECT count(*), sum(n) FROM s3object",
		Format: events.Format{Kind: "csv", Header: true},
		Limits: events.Limits{RangeSizeBytes: size, BatchSizeBytes: hopBatchBytes, MaxHops: 100000}}
	env, err := events.Encode(ids.New(), time.Now(), req)
	if err != nil {
		b.Fatal(err)
	}
	if err := s.bus.Publish(ctx, env); err != nil {
		b.Fatal(err)
	}
	end := <-s.end
	if end.DetailType != events.TypeJobSucceeded {
		b.Fatalf("job ended with %s: %s", end.DetailType, end.Detail)
	}
	if err := s.rt.WaitIdle(ctx); err != nil {
		b.Fatal(err)
	}
	n, err := s.led.Count(ctx, req.JobID, joblog.CkptPrefix(0))
	if err != nil {
		b.Fatal(err)
	}
	return n - 1
}

// hopFile writes a CSV of hopsPerJob+1 batches of hopBatchBytes and waits
// until it is 2 s old.
func hopFile(b *testing.B, dir string) (string, int64) {
	b.Helper()
	var sb strings.Builder
	sb.WriteString("id,n\n")
	for i := 0; sb.Len() < (hopsPerJob+1)*hopBatchBytes-64; i++ {
		fmt.Fprintf(&sb, "%08d,%d\n", i, i%97)
	}
	path := filepath.Join(dir, "hops.csv")
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	// localfs does not trust the fingerprint of a file changed within its
	// 2 s racy window, and hashes it again on every read: let the file
	// age, as an input file has.
	time.Sleep(2100 * time.Millisecond)
	return path, int64(sb.Len())
}

// BenchmarkHop measures what one hop costs on the local stack, end to
// end: the checkpoint commit into the SQLite ledger, the span flush, the
// publish of RangeContinued on the local bus and its delivery through the
// local runtime, and the next invocation's start (its ledger reads and
// plan checks, the compiled-spec cache, the warm range cache), with one
// 1 KiB batch read per invocation. ns/hop is a job's wall time over its
// hops; the job's fixed cost (split, fan-in) is spread over about 200
// hops; cpu-ns/hop is the process's CPU time over the same hops, steadier
// on a busy machine. The sub-benchmarks time the hop's parts alone: the
// checkpoint append, one ledger Get (a hop makes about five), a publish
// with its delivery, a warm range cache hit, and one span written and
// flushed.
func BenchmarkHop(b *testing.B) {
	path, size := hopFile(b, b.TempDir())
	b.Run("job", func(b *testing.B) { benchHopJob(b, path, size) })
	b.Run("commit", benchHopCommit)
	b.Run("ledger-get", benchHopGet)
	b.Run("publish", benchHopPublish)
	b.Run("cache-hit", func(b *testing.B) { benchHopCacheHit(b, path, size) })
	b.Run("span", benchHopSpan)
}

// benchHopSpan writes one span to a span file and flushes, as each
// invocation does.
func benchHopSpan(b *testing.B) {
	ctx := context.Background()
	prov, err := observability.New(ctx, observability.Options{ServiceName: "baton-bench",
		Exporter: observability.ExporterFile, FilePath: filepath.Join(b.TempDir(), "spans.jsonl")})
	if err != nil {
		b.Fatal(err)
	}
	defer prov.Close(ctx)
	tr := prov.TracerProvider().Tracer("bench")
	for b.Loop() {
		_, span := tr.Start(ctx, "baton.range")
		span.End()
		if err := prov.ForceFlush(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func benchHopJob(b *testing.B, path string, size int64) {
	s := newHopStack(b, b.TempDir())
	hops := 0
	start, cpu0 := time.Now(), cpuTime(b)
	for b.Loop() {
		n := s.run(b, path, size)
		if n < hopsPerJob/2 {
			b.Fatalf("job made %d hops, want one per batch (~%d)", n, hopsPerJob)
		}
		hops += n
	}
	b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(hops), "ns/hop")
	b.ReportMetric(float64((cpuTime(b)-cpu0).Nanoseconds())/float64(hops), "cpu-ns/hop")
}

// cpuTime is the user and system CPU time this process has used: on a
// shared machine it varies less than wall time.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// checkpointEntry is a ledger entry the size of a hop's checkpoint.
func checkpointEntry(i int) ledger.Entry {
	detail := fmt.Sprintf(`{"schemaVersion":1,"jobId":"j","rangeIndex":0,"generation":%d,"cursorBytes":%d,"partial":{"aggs":[{"n":%d},{"sum":%d}]}}`, i, i*1024, i, i)
	return ledger.Entry{Key: joblog.CkptKey(0, i), DetailType: events.TypeCheckpoint,
		Time: time.Now(), Detail: []byte(detail)}
}

func benchHopCommit(b *testing.B) {
	led, err := sqlite.Open(filepath.Join(b.TempDir(), "ledger.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer led.Close()
	ctx := context.Background()
	i := 0
	for b.Loop() {
		if err := led.Append(ctx, "j", checkpointEntry(i)); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func benchHopGet(b *testing.B) {
	led, err := sqlite.Open(filepath.Join(b.TempDir(), "ledger.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer led.Close()
	ctx := context.Background()
	for i := range hopsPerJob {
		if err := led.Append(ctx, "j", checkpointEntry(i)); err != nil {
			b.Fatal(err)
		}
	}
	i := 0
	for b.Loop() {
		if _, err := led.Get(ctx, "j", checkpointEntry(i%hopsPerJob).Key); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func benchHopPublish(b *testing.B) {
	rt, err := localrt.New(localrt.Options{Concurrency: 1},
		localrt.Function{Name: "worker", New: func() (lambda.Handler, error) {
			return lambda.NewHandler(func(context.Context, events.Envelope) error { return nil }), nil
		}})
	if err != nil {
		b.Fatal(err)
	}
	bus, err := localbus.New(rt, localbus.Options{})
	if err != nil {
		b.Fatal(err)
	}
	bus.Route(events.TypeRangeContinued, "worker")
	ctx := context.Background()
	next := events.RangeContinued{SchemaVersion: events.SchemaVersion, JobID: "j", Generation: 1, CursorBytes: 1024,
		Range: events.Range{LengthBytes: 1 << 20}, Spec: events.JobSpec{Query: "SELECT count(*) FROM s3object",
			Object: events.ObjectRef{Key: "/x.csv", ETag: "e", SizeBytes: 1 << 20}, Format: events.Format{Kind: "csv"}}}
	for b.Loop() {
		env, err := events.Encode(ids.New(), time.Now(), next)
		if err != nil {
			b.Fatal(err)
		}
		if err := bus.Publish(ctx, env); err != nil {
			b.Fatal(err)
		}
		if err := rt.WaitIdle(ctx); err != nil { // delivered and handled
			b.Fatal(err)
		}
	}
}

func benchHopCacheHit(b *testing.B, path string, size int64) {
	store, err := localfs.New(localfs.Options{})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	obj, err := store.Head(ctx, "", path, "")
	if err != nil {
		b.Fatal(err)
	}
	c, err := cache.New(store, cache.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := c.ReadRange(ctx, obj, 0, min(size, 4<<10)); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, hit, err := c.ReadRangeHit(ctx, obj, 0, min(size, 4<<10)); err != nil || !hit {
			b.Fatalf("hit %v, err %v", hit, err)
		}
	}
}
