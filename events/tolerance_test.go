package events_test

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/batonrun/baton/events"
)

// FailuresExceeded against an exact rational reference: only the set
// thresholds apply, either one exceeded fails, none set means any failure
// fails, and no failure never does.
func TestFailuresExceeded(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for iter := 0; iter < 20000; iter++ {
		total := 1 + rng.IntN(40)
		failed := rng.IntN(total + 1)
		l := events.Limits{}
		if rng.IntN(2) == 0 {
			l.ToleratedFailureCount = rng.IntN(10)
		}
		if rng.IntN(2) == 0 {
			l.ToleratedFailurePercent = []float64{0, 5, 10, 12.5, 20, 25, 33.3, 50, 100}[rng.IntN(9)]
		}
		want := failed > 0
		if l.ToleratedFailureCount > 0 || l.ToleratedFailurePercent > 0 {
			overCount := l.ToleratedFailureCount > 0 && failed > l.ToleratedFailureCount
			share := new(big.Rat).SetFrac64(int64(failed)*100, int64(total))
			overPercent := l.ToleratedFailurePercent > 0 && share.Cmp(new(big.Rat).SetFloat64(l.ToleratedFailurePercent)) > 0
			want = overCount || overPercent
		}
		if got := l.FailuresExceeded(failed, total); got != want {
			t.Fatalf("%+v: %d of %d failed: exceeded %v, want %v", l, failed, total, got, want)
		}
	}
}

func TestToleratedFailurePercentRange(t *testing.T) {
	for _, p := range []float64{-0.1, 100.01} {
		if err := (events.Limits{ToleratedFailurePercent: p}).Validate(); err == nil {
			t.Errorf("percent %v accepted", p)
		}
	}
	for _, p := range []float64{0, 0.5, 100} {
		if err := (events.Limits{ToleratedFailurePercent: p}).Validate(); err != nil {
			t.Errorf("percent %v: %v", p, err)
		}
	}
}
