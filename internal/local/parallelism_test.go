package local

import (
	"runtime"
	"testing"

	"github.com/batonrun/baton/internal/localrt"
)

// One invocation at a time gets every core; more invocations than cores
// still scan with one goroutine each.
func TestWorkerParallelismSharesTheCores(t *testing.T) {
	procs := runtime.GOMAXPROCS(0)
	if got := workerParallelism(localrt.Options{Concurrency: 1}); got != procs {
		t.Fatalf("concurrency 1: parallelism %d, want GOMAXPROCS %d", got, procs)
	}
	if got := workerParallelism(localrt.Options{Concurrency: 4 * procs}); got != 1 {
		t.Fatalf("concurrency %d: parallelism %d, want 1", 4*procs, got)
	}
	if got := workerParallelism(localrt.Options{Concurrency: 2}); got*2 > procs && got != 1 {
		t.Fatalf("concurrency 2: parallelism %d oversubscribes %d cores", got, procs)
	}
}
