package worker

// ParallelBatches reports how many parallel batches w kept and how many it
// discarded (and ran again sequentially).
func ParallelBatches(w *Worker) (kept, discarded int64) {
	return w.parStats.kept.Load(), w.parStats.discarded.Load()
}
