package main

import (
	"fmt"
	"io"

	"github.com/batonrun/baton/events"
)

// exitPartial is the exit code of `baton run` when the job succeeded with
// a partial result: some ranges failed within --tolerated-failure-count or
// --tolerated-failure-percent. 0 is a whole result, 1 any error.
const exitPartial = 3

// exitError ends the command with its own exit code; main prints msg on
// stderr first when it is not empty.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string {
	if e.msg == "" {
		return fmt.Sprintf("exit code %d", e.code)
	}
	return e.msg
}

// reportPartial says on w, even with --quiet, that s is a partial result:
//
//	PARTIAL RESULT: K of N ranges failed: range i bytes [a, b): code: reason
//
// with one line per failed range when there are several.
func reportPartial(w io.Writer, s events.JobSucceeded) error {
	if !s.Partial {
		return nil
	}
	head := fmt.Sprintf("PARTIAL RESULT: %d of %d ranges failed", len(s.FailedRanges), s.Stats.Ranges)
	if len(s.FailedRanges) == 1 {
		_, err := fmt.Fprintf(w, "%s: %s\n", head, failedRangeText(s.FailedRanges[0]))
		return err
	}
	if _, err := fmt.Fprintf(w, "%s:\n", head); err != nil {
		return err
	}
	for _, f := range s.FailedRanges {
		if _, err := fmt.Fprintf(w, "  %s\n", failedRangeText(f)); err != nil {
			return err
		}
	}
	return nil
}

// failedRangeText is "range i bytes [a, b): code: reason".
func failedRangeText(f events.FailedRange) string {
	return fmt.Sprintf("range %d bytes [%d, %d): %s: %s", f.RangeIndex, f.OffsetBytes, f.OffsetBytes+f.LengthBytes, f.Code, f.Reason)
}
