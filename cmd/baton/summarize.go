package main

import (
	"fmt"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/joblog"
	"github.com/batonrun/baton/internal/ledger"
)

// summarize is one line about an entry for `baton events`; it never prints
// record contents.
func summarize(e ledger.Entry) string {
	switch e.DetailType {
	case events.TypeJobStarted:
		var d events.JobStarted
		if joblog.Decode(e, &d) == nil {
			return fmt.Sprintf("%s (%d bytes, etag %s), %d ranges", d.Spec.Object.Key, d.Spec.Object.SizeBytes, d.Spec.Object.ETag, d.RangeCount)
		}
	case events.TypeRangePlanned:
		var d events.RangePlanned
		if joblog.Decode(e, &d) == nil {
			return fmt.Sprintf("range %d [%d, %d)", d.Range.Index, d.Range.OffsetBytes, d.Range.EndBytes())
		}
	case events.TypeCheckpoint:
		var d events.CheckpointCommitted
		if joblog.Decode(e, &d) == nil {
			return fmt.Sprintf("range %d gen %d [%d, %d) %d records, %d batches, stop=%s, %dms", d.RangeIndex, d.Generation, d.StartBytes, d.CursorBytes, d.Records, d.Batches, d.Stop, d.DurationMillis)
		}
	case events.TypeRangeCompleted:
		var d events.RangeCompleted
		if joblog.Decode(e, &d) == nil {
			return fmt.Sprintf("range %d done after %d generations", d.RangeIndex, d.Generations)
		}
	case events.TypeRangeFailed:
		var d events.RangeFailed
		if joblog.Decode(e, &d) == nil {
			return fmt.Sprintf("range %d gen %d %s: %s", d.RangeIndex, d.Generation, d.Code, d.Reason)
		}
	case events.TypeJobSucceeded:
		var d events.JobSucceeded
		if joblog.Decode(e, &d) == nil {
			line := fmt.Sprintf("%d rows; %d records, %d invocations, %d hops", len(d.Result.Rows), d.Stats.Records, d.Stats.Invocations, d.Stats.Hops)
			if d.Partial {
				line = fmt.Sprintf("PARTIAL (%d ranges failed): %s", len(d.FailedRanges), line)
			}
			return line
		}
	case events.TypeJobFailed:
		var d events.JobFailed
		if joblog.Decode(e, &d) == nil {
			return fmt.Sprintf("%s: %s", d.Code, d.Reason)
		}
	}
	return ""
}
