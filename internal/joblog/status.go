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
	// Attempt is the newest attempt (0 unless `baton redrive JOB --failed`
	// started one); State, Succeeded and Failed are that attempt's, and
	// RangesDone counts the ranges done in any attempt, RangesFailed those
	// failed in the newest attempt's terminal-less or partial run and
	// done in none. Bytes, Records and Invocations sum every attempt.
	Attempt int

	terminalAttempt int
	done            map[int]bool
	failed          map[int]map[int]bool // attempt -> failed ranges
}

// Fold computes a job's Status from its entries (in any order). Entries it
// cannot decode are reported as errors naming their key.
func Fold(jobID string, entries []ledger.Entry) (Status, error) {
	s := Status{JobID: jobID, State: StateUnknown, terminalAttempt: -1, done: map[int]bool{}, failed: map[int]map[int]bool{}}
	for _, e := range entries {
		if err := s.apply(e); err != nil {
			return s, err
		}
	}
	if s.Attempt > s.terminalAttempt && s.State != StateUnknown {
		s.State, s.Succeeded, s.Failed = StateRunning, nil, nil // the newest attempt is running
	}
	s.RangesDone = len(s.done)
	for i := range s.failed[s.Attempt] {
		if !s.done[i] {
			s.RangesFailed++
		}
	}
	s.Hops = max(0, s.Invocations-s.Ranges)
	return s, nil
}

func (s *Status) apply(e ledger.Entry) error {
	attempt, key := SplitKey(e.Key)
	switch {
	case attempt > 0 && key == "":
		s.Attempt = max(s.Attempt, attempt)
	case key == KeyJob:
		var js events.JobStarted
		if err := Decode(e, &js); err != nil {
			return err
		}
		s.Object, s.Query, s.Ranges = js.Spec.Object, js.Spec.Query, js.RangeCount
		if s.State == StateUnknown {
			s.State = StateRunning
		}
	case strings.HasPrefix(key, PrefixDone):
		var rc events.RangeCompleted
		if err := Decode(e, &rc); err != nil {
			return err
		}
		s.done[rc.RangeIndex] = true
	case strings.HasPrefix(key, PrefixFailed):
		var rf events.RangeFailed
		if err := Decode(e, &rf); err != nil {
			return err
		}
		if s.failed[attempt] == nil {
			s.failed[attempt] = map[int]bool{}
		}
		s.failed[attempt][rf.RangeIndex] = true
	case strings.HasPrefix(key, PrefixCkpt):
		var c events.CheckpointCommitted
		if err := Decode(e, &c); err != nil {
			return err
		}
		s.Invocations++
		s.Bytes += c.Bytes
		s.Records += c.Records
	case key == KeyTerminal && attempt < s.terminalAttempt:
		// an older attempt's end: history, not the job's state
	case key == KeyTerminal && e.DetailType == events.TypeJobSucceeded:
		s.terminalAttempt, s.Succeeded, s.Failed = attempt, &events.JobSucceeded{}, nil
		s.State = StateSucceeded
		return Decode(e, s.Succeeded)
	case key == KeyTerminal:
		s.terminalAttempt, s.Failed, s.Succeeded = attempt, &events.JobFailed{}, nil
		s.State = StateFailed
		return Decode(e, s.Failed)
	}
	return nil
}
