package fanin

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/record"
)

// checkBoundaries skips exactly the pairs that involve a failed range: a
// chain whose done ranges match passes whatever the failed ranges are, and
// a mismatch between two adjacent done ranges is still reported.
func TestCheckBoundariesSkipsFailedRanges(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for iter := 0; iter < 2000; iter++ {
		n := 2 + rng.IntN(8)
		log := jobLog{started: events.JobStarted{RangeCount: n}, ranges: map[int]events.Range{},
			done: map[int]events.RangeCompleted{}, failed: map[int]events.RangeFailed{}}
		// true record starts: one a little after each range's offset
		starts := make([]int64, n+1)
		for i := range n {
			log.ranges[i] = events.Range{Index: i, OffsetBytes: int64(i) * 100, LengthBytes: 100}
			starts[i] = int64(i)*100 + int64(rng.IntN(30))
		}
		starts[0], starts[n] = 0, int64(n)*100
		for i := range n {
			if rng.IntN(3) == 0 {
				log.failed[i] = events.RangeFailed{RangeIndex: i, Code: "c", Reason: "r"}
				continue
			}
			log.done[i] = events.RangeCompleted{RangeIndex: i, FirstRecordBytes: starts[i], NextRecordBytes: starts[i+1]}
		}
		if err := checkBoundaries(log); err != nil {
			t.Fatalf("matching chain with failed %v: %v", keys(log.failed), err)
		}
		// break the pair (i, i+1) of two done ranges, if any
		for i := 0; i+1 < n; i++ {
			a, aok := log.done[i]
			_, bok := log.done[i+1]
			if !aok || !bok {
				continue
			}
			a.NextRecordBytes++
			log.done[i] = a
			var be *record.BoundaryError
			if err := checkBoundaries(log); !errors.As(err, &be) || be.Index != i {
				t.Fatalf("mismatch after done range %d (failed %v) not reported: %v", i, keys(log.failed), err)
			}
			break
		}
	}
}

func keys(m map[int]events.RangeFailed) []int {
	var out []int
	for k := range m {
		out = append(out, k)
	}
	return out
}
