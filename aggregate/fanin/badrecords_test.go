package fanin

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/failure"
)

// The job's bad-record stats are the sum over checkpoints and the first
// MaxBadRecordSamples samples by offset over all of them (each checkpoint
// keeps its own first ones); the job fails only when the sum exceeds the
// limit, naming the first.
func TestBadRecordStats(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for iter := 0; iter < 200; iter++ {
		var ckpts []events.CheckpointCommitted
		var all []int64
		var total int64
		for c := 0; c < 1+rng.IntN(6); c++ {
			base := int64(c) * 1000 // checkpoints cover disjoint spans
			n := int64(rng.IntN(15))
			ck := events.CheckpointCommitted{BadRecords: n}
			for i := int64(0); i < n; i++ {
				off := base + i*7
				all = append(all, off)
				if i < events.MaxBadRecordSamples {
					ck.BadRecordSamples = append(ck.BadRecordSamples, events.BadRecordSample{OffsetBytes: off, Reason: "r"})
				}
			}
			total += n
			ckpts = append(ckpts, ck)
		}
		rng.Shuffle(len(ckpts), func(i, j int) { ckpts[i], ckpts[j] = ckpts[j], ckpts[i] })
		limit := int64(rng.IntN(40))
		var st events.Stats
		err := badRecordStats(events.Limits{MaxBadRecords: limit}, ckpts, &st)
		if st.BadRecords != total {
			t.Fatalf("sum %d, want %d", st.BadRecords, total)
		}
		var offs []int64
		for _, s := range st.BadRecordSamples {
			offs = append(offs, s.OffsetBytes)
		}
		if want := all[:min(len(all), events.MaxBadRecordSamples)]; !slices.Equal(offs, want) {
			t.Fatalf("samples %v, want %v", offs, want)
		}
		var tooMany *failure.BadRecordsError
		switch {
		case total > limit && (!errors.As(err, &tooMany) || tooMany.First.OffsetBytes != all[0] || tooMany.Count != total):
			t.Fatalf("total %d over %d: got %v", total, limit, err)
		case total <= limit && err != nil:
			t.Fatalf("total %d within %d: got %v", total, limit, err)
		}
	}
}
