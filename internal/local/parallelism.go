package local

import (
	"runtime"

	"github.com/batonrun/baton/internal/localrt"
)

// workerParallelism is the goroutines each local worker scans a batch with:
// the cores shared out among the invocations that may run at once
// (localrt.Options.Concurrency, 0 meaning runtime.NumCPU()), at least 1, so
// that concurrency × parallelism does not oversubscribe the cores.
func workerParallelism(o localrt.Options) int {
	c := o.Concurrency
	if c <= 0 {
		c = runtime.NumCPU()
	}
	return max(1, runtime.GOMAXPROCS(0)/c)
}
