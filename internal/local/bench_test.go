package local

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/localrt"
)

// BenchmarkRunFile runs BATON_BENCH_QUERY over BATON_BENCH_FILE through the
// whole local stack (splitter, workers, ledger, fan-in), for profiling with
// -cpuprofile. Like a repeated `baton run` of the file, it starts with the
// file's fingerprint memoised. It is skipped without BATON_BENCH_FILE: the input is a large
// file made by scripts/flights. BATON_BENCH_TIMEOUT (a duration, e.g.
// 2s), BATON_BENCH_RANGE_SIZE (bytes) and BATON_BENCH_CONCURRENCY set the
// worker timeout, the range size and the runtime's concurrency (default
// 2), to compare runs with and without hops; it reports hops/op.
func BenchmarkRunFile(b *testing.B) {
	path := os.Getenv("BATON_BENCH_FILE")
	if path == "" {
		b.Skip("BATON_BENCH_FILE is not set")
	}
	q := os.Getenv("BATON_BENCH_QUERY")
	if q == "" {
		q = "SELECT origin, count(*), avg(delay) FROM s3object GROUP BY origin"
	}
	format, err := FormatFromPath(path)
	if err != nil {
		b.Fatal(err)
	}
	if k := os.Getenv("BATON_BENCH_FORMAT"); k != "" {
		format = events.Format{Kind: k, Header: k == "csv"}
	}
	rt, limits := benchRuntime(b)
	st, _ := os.Stat(path)
	b.SetBytes(st.Size())
	dir := warmFingerprint(b, path)
	hops := 0
	for b.Loop() {
		out, err := Run(context.Background(), Config{Path: path, Query: q, Format: format, StateDir: dir,
			Runtime: rt, Limits: limits})
		if err != nil {
			b.Fatal(err)
		}
		if out.Succeeded == nil {
			b.Fatalf("job failed: %+v", out.Failed)
		}
		hops += out.Succeeded.Stats.Hops
	}
	b.ReportMetric(float64(hops)/float64(b.N), "hops/op")
}

// warmFingerprint returns a state directory whose fingerprint memo holds
// path's, as after a first `baton run` of the file: the first run hashes
// the whole file (SHA-256, ~0.7 s of CPU per GB) before any range starts.
func warmFingerprint(b *testing.B, path string) string {
	dir := b.TempDir()
	_, store, err := objectOf(Config{Path: path, StateDir: dir})
	if err != nil {
		b.Fatal(err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := store.Head(context.Background(), "", abs, ""); err != nil {
		b.Fatal(err)
	}
	return dir
}

// benchRuntime reads BATON_BENCH_TIMEOUT, BATON_BENCH_CONCURRENCY and
// BATON_BENCH_RANGE_SIZE.
func benchRuntime(b *testing.B) (localrt.Options, events.Limits) {
	rt := localrt.Options{Concurrency: 2}
	var limits events.Limits
	var err error
	if v := os.Getenv("BATON_BENCH_TIMEOUT"); v != "" {
		if rt.Timeout, err = time.ParseDuration(v); err != nil {
			b.Fatalf("BATON_BENCH_TIMEOUT: %v", err)
		}
	}
	if v := os.Getenv("BATON_BENCH_CONCURRENCY"); v != "" {
		if rt.Concurrency, err = strconv.Atoi(v); err != nil {
			b.Fatalf("BATON_BENCH_CONCURRENCY: %v", err)
		}
	}
	if v := os.Getenv("BATON_BENCH_RANGE_SIZE"); v != "" {
		if limits.RangeSizeBytes, err = strconv.ParseInt(v, 10, 64); err != nil {
			b.Fatalf("BATON_BENCH_RANGE_SIZE: %v", err)
		}
	}
	return rt, limits
}

// BenchmarkRunSmall runs a whole local job over the 3.5 MB flights sample
// in testdata: one range, one invocation per function. Its time is mostly
// the fixed cost of a job (ledger open, telemetry files, the splitter's
// fingerprint, the wait for the terminal entry), which `baton run` pays on
// every file however small.
func BenchmarkRunSmall(b *testing.B) {
	const path = "../../testdata/flights-sample.csv"
	q := "SELECT origin, count(*), avg(delay) FROM s3object GROUP BY origin"
	format, err := FormatFromPath(path)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	for b.Loop() {
		out, err := Run(context.Background(), Config{Path: path, Query: q, Format: format, StateDir: dir,
			Runtime: localrt.Options{Concurrency: 2}})
		if err != nil {
			b.Fatal(err)
		}
		if out.Succeeded == nil {
			b.Fatalf("job failed: %+v", out.Failed)
		}
	}
}
