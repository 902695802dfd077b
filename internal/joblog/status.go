package joblog

import (
	"strings"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/ledger"
)

// Job states.
const (
	StateRunning   = "running"
	StateSucceeded = "succeeded"
	StateFailed    = "failed"
	StateUnknown   = "unknown"
)

// Status is a job's state, folded from its log.
type Status struct {
	JobID      string
	State      string
	Object     events.ObjectRef
	Query      string
	Ranges     int
	RangesDone int
	// RangesFailed counts the ranges with a RangeFailed entry; with
	// tolerated failures a job can succeed with some (Succeeded.Partial).
	RangesFailed int
	Bytes        int64
	Records      int64
	Invocations  int
	Hops         int
	Succeeded    *events.JobSucceeded
	Failed       *events.JobFailed
}

// Fold computes a job's Status from its entries (in any order). Entries it
// cannot decode are reported as errors naming their key.
func Fold(jobID string, entries []ledger.Entry) (Status, error) {
	s := Status{JobID: jobID, State: StateUnknown}
	for _, e := range entries {
		if err := s.apply(e); err != nil {
			return s, err
		}
	}
	s.Hops = max(0, s.Invocations-s.Ranges)
	return s, nil
}

func (s *Status) apply(e ledger.Entry) error {
	switch {
	case e.Key == KeyJob:
		var js events.JobStarted
		if err := Decode(e, &js); err != nil {
			return err
		}
		s.Object, s.Query, s.Ranges = js.Spec.Object, js.Spec.Query, js.RangeCount
		if s.State == StateUnknown {
			s.State = StateRunning
		}
	case strings.HasPrefix(e.Key, PrefixDone):
		s.RangesDone++
	case strings.HasPrefix(e.Key, PrefixFailed):
		s.RangesFailed++
	case strings.HasPrefix(e.Key, PrefixCkpt):
		var c events.CheckpointCommitted
		if err := Decode(e, &c); err != nil {
			return err
		}
		s.Invocations++
		s.Bytes += c.Bytes
		s.Records += c.Records
	case e.Key == KeyTerminal && e.DetailType == events.TypeJobSucceeded:
		s.Succeeded = &events.JobSucceeded{}
		s.State = StateSucceeded
		return Decode(e, s.Succeeded)
	case e.Key == KeyTerminal:
		s.Failed = &events.JobFailed{}
		s.State = StateFailed
		return Decode(e, s.Failed)
	}
	return nil
}
