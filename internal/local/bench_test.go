package local

import (
	"context"
	"os"
	"testing"

	"github.com/batonrun/baton/internal/localrt"
)

// BenchmarkRunFile runs BATON_BENCH_QUERY over BATON_BENCH_FILE through the
// whole local stack (splitter, workers, ledger, fan-in), for profiling with
// -cpuprofile. It is skipped without BATON_BENCH_FILE: the input is a large
// file made by scripts/flights.
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
		format.Kind = k
	}
	st, _ := os.Stat(path)
	b.SetBytes(st.Size())
	for b.Loop() {
		out, err := Run(context.Background(), Config{Path: path, Query: q, Format: format, StateDir: b.TempDir(),
			Runtime: localrt.Options{Concurrency: 2}})
		if err != nil {
			b.Fatal(err)
		}
		if out.Succeeded == nil {
			b.Fatalf("job failed: %+v", out.Failed)
		}
	}
}
