package fanin

import (
	"context"
	"fmt"
	"sort"

	"github.com/batonrun/baton/aggregate"
	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/failure"
	"github.com/batonrun/baton/internal/joblog"
	"github.com/batonrun/baton/internal/jobspec"
	"github.com/batonrun/baton/internal/query"
	"github.com/batonrun/baton/internal/record"
)

// jobLog is the part of a job's log the fan-in reads.
type jobLog struct {
	started events.JobStarted
	ranges  map[int]events.Range
	done    map[int]events.RangeCompleted
	// failed holds the RangeFailed of each failed range that is not done
	// (a done range's results stand, whatever a duplicate invocation of it
	// reported).
	failed map[int]events.RangeFailed
	ckpts  []events.CheckpointCommitted // of the done ranges, ordered by range, then generation
	// owner is the attempt whose checkpoints count for each done range.
	owner map[int]int
}

// finished is the number of ranges that are done or failed.
func (log jobLog) finished() int { return len(log.done) + len(log.failed) }

// readLog reads the log of the job's attempt: the ranges done in any
// attempt up to it (each from the earliest attempt that completed it, so
// its records count once) and the ranges failed in this attempt. Plans and
// checkpoints are read only once every range is done or failed; only the
// checkpoints of the attempt that completed each range are kept: a failed
// range's records, and an earlier attempt's partial generations of a range
// retried later, are absent from the result.
func readLog(ctx context.Context, l Ledger, jobID string, attempt int) (jobLog, error) {
	log := jobLog{done: map[int]events.RangeCompleted{}, ranges: map[int]events.Range{}, failed: map[int]events.RangeFailed{}, owner: map[int]int{}}
	e, err := l.Get(ctx, jobID, joblog.KeyJob)
	if err != nil {
		return log, fmt.Errorf("job %s: reading JobStarted: %w", jobID, err)
	}
	if err := joblog.Decode(e, &log.started); err != nil {
		return log, err
	}
	for a := 0; a <= attempt; a++ {
		if err := readDone(ctx, l, &log, a); err != nil {
			return log, err
		}
	}
	if err := readFailed(ctx, l, &log, joblog.Keys{Attempt: attempt}); err != nil {
		return log, err
	}
	if log.finished() < log.started.RangeCount {
		return log, nil
	}
	plans, err := joblog.ListAs[events.RangePlanned](ctx, l, jobID, joblog.PrefixPlan, "the plan")
	if err != nil {
		return log, err
	}
	for _, rp := range plans {
		log.ranges[rp.Range.Index] = rp.Range
	}
	for a := 0; a <= attempt; a++ {
		if err := readCkpts(ctx, l, &log, a); err != nil {
			return log, err
		}
	}
	sort.Slice(log.ckpts, func(i, j int) bool {
		a, b := log.ckpts[i], log.ckpts[j]
		if a.RangeIndex != b.RangeIndex {
			return a.RangeIndex < b.RangeIndex
		}
		return a.Generation < b.Generation
	})
	return log, nil
}

// readDone adds the ranges attempt a completed that no earlier attempt did.
func readDone(ctx context.Context, l Ledger, log *jobLog, a int) error {
	dones, err := joblog.ListAs[events.RangeCompleted](ctx, l, log.started.JobID,
		joblog.Keys{Attempt: a}.PrefixDone(), fmt.Sprintf("completed ranges of attempt %d", a))
	if err != nil {
		return err
	}
	for _, rc := range dones {
		if _, ok := log.done[rc.RangeIndex]; !ok {
			log.done[rc.RangeIndex], log.owner[rc.RangeIndex] = rc, a
		}
	}
	return nil
}

// readCkpts adds attempt a's checkpoints of the done ranges it owns.
func readCkpts(ctx context.Context, l Ledger, log *jobLog, a int) error {
	cks, err := joblog.ListAs[events.CheckpointCommitted](ctx, l, log.started.JobID,
		joblog.Keys{Attempt: a}.PrefixCkpt(), fmt.Sprintf("checkpoints of attempt %d", a))
	if err != nil {
		return err
	}
	for _, c := range cks {
		if owner, done := log.owner[c.RangeIndex]; done && owner == a {
			log.ckpts = append(log.ckpts, c)
		}
	}
	return nil
}

// readFailed reads the attempt's RangeFailed entries of the ranges that are not done.
func readFailed(ctx context.Context, l Ledger, log *jobLog, k joblog.Keys) error {
	fails, err := joblog.ListAs[events.RangeFailed](ctx, l, log.started.JobID, k.PrefixFailed(), "failed ranges")
	if err != nil {
		return err
	}
	for _, rf := range fails {
		if _, done := log.done[rf.RangeIndex]; !done {
			log.failed[rf.RangeIndex] = rf
		}
	}
	return nil
}

// merge checks the log and produces the job's result: over the done ranges
// only when some failed (within the tolerance the caller checked), marked
// Partial with the failed ranges listed in range order.
func merge(log jobLog) (events.JobSucceeded, error) {
	js := log.started
	out := events.JobSucceeded{SchemaVersion: events.SchemaVersion, JobID: js.JobID}
	if err := checkBoundaries(log); err != nil {
		return out, err
	}
	if err := checkGenerations(log); err != nil {
		return out, err
	}
	c, err := jobspec.Compile(js.Spec, nil)
	if err != nil {
		return out, fmt.Errorf("%w: compiling query: %w", failure.ErrPermanent, err)
	}
	total := c.Plan.NewAccumulator(c.QueryOptions()).Partial()
	for _, ck := range log.ckpts {
		var p aggregate.PartialResult
		if err := p.UnmarshalJSON(ck.Partial); err != nil {
			return out, fmt.Errorf("%w: range %d generation %d: decoding partial result: %w", failure.ErrPermanent, ck.RangeIndex, ck.Generation, err)
		}
		if err := total.Merge(&p); err != nil {
			return out, fmt.Errorf("merging range %d generation %d: %w", ck.RangeIndex, ck.Generation, err)
		}
		out.Stats.Records += ck.Records
		out.Stats.Bytes += ck.Bytes
	}
	if err := badRecordStats(js.Spec.Limits, log.ckpts, &out.Stats); err != nil {
		return out, err
	}
	res, err := c.Plan.Finalize(total)
	if err != nil {
		return out, fmt.Errorf("finalizing result: %w", err)
	}
	out.Result = Table(res)
	out.Stats.Ranges = js.RangeCount
	out.Stats.Invocations = len(log.ckpts)
	out.Stats.Hops = len(log.ckpts) - len(log.done)
	out.FailedRanges = failedRanges(log)
	out.Partial = len(out.FailedRanges) > 0
	return out, nil
}

// failedRanges lists the failed ranges with their planned spans, in range order.
func failedRanges(log jobLog) []events.FailedRange {
	var out []events.FailedRange
	for i := range log.started.RangeCount {
		if rf, ok := log.failed[i]; ok {
			r := log.ranges[i]
			out = append(out, events.FailedRange{RangeIndex: i, OffsetBytes: r.OffsetBytes, LengthBytes: r.LengthBytes, Code: rf.Code, Reason: rf.Reason})
		}
	}
	return out
}

// badRecordStats sums the checkpoints' bad records into st, with the job's
// first events.MaxBadRecordSamples samples by byte offset, and fails the job
// (a *failure.BadRecordsError naming the first) when the total exceeds
// limits.MaxBadRecords: each range checks only its own count.
func badRecordStats(limits events.Limits, ckpts []events.CheckpointCommitted, st *events.Stats) error {
	var samples []events.BadRecordSample
	for _, ck := range ckpts {
		st.BadRecords += ck.BadRecords
		samples = append(samples, ck.BadRecordSamples...)
	}
	if st.BadRecords == 0 {
		return nil
	}
	sort.Slice(samples, func(i, j int) bool { return samples[i].OffsetBytes < samples[j].OffsetBytes })
	st.BadRecordSamples = samples[:min(len(samples), events.MaxBadRecordSamples)]
	if st.BadRecords > limits.MaxBadRecords {
		return &failure.BadRecordsError{Count: st.BadRecords, Max: limits.MaxBadRecords, RangeIndex: -1, First: samples[0]}
	}
	return nil
}

// checkBoundaries verifies that each range starts where the previous one's
// records ended (record.CheckChain), which makes a quoted CSV line break
// across a range boundary an error instead of a wrong count.
//
// A failed range's records are simply absent, and it has no boundaries of
// its own: it is given its neighbours' (its first record where the previous
// range's records ended, its next where the following range's begin), so
// that no pair involving it is checked. In a CSV file whose quoted fields
// hold line breaks, the range after a failed one is therefore not proven to
// have started at a true record start: one more reason the result is
// marked partial.
func checkBoundaries(log jobLog) error {
	n := log.started.RangeCount
	bs := make([]record.Boundary, n)
	for i := range n {
		r := log.ranges[i]
		bs[i].Range = record.Range{Offset: r.OffsetBytes, End: r.EndBytes()}
		if rc, ok := log.done[i]; ok {
			bs[i].FirstRecordBytes, bs[i].NextRecordBytes = rc.FirstRecordBytes, rc.NextRecordBytes
		}
	}
	for i := range n { // a failed range starts where the previous one ended
		if _, failed := log.failed[i]; failed {
			bs[i].FirstRecordBytes = bs[i].Range.Offset
			if i > 0 {
				bs[i].FirstRecordBytes = bs[i-1].NextRecordBytes
			}
			bs[i].NextRecordBytes = bs[i].FirstRecordBytes
		}
	}
	for i := n - 2; i >= 0; i-- { // and ends where the next one starts
		if _, failed := log.failed[i]; failed {
			bs[i].NextRecordBytes = bs[i+1].FirstRecordBytes
		}
	}
	return record.CheckChain(bs)
}

// checkGenerations verifies each range's checkpoints form one unbroken
// chain of cursors, generation 0 to the last.
func checkGenerations(log jobLog) error {
	next := map[int]int{}
	cursor := map[int]int64{}
	for _, ck := range log.ckpts {
		if ck.Generation != next[ck.RangeIndex] {
			return fmt.Errorf("%w: range %d: checkpoint generation %d out of sequence", failure.ErrPermanent, ck.RangeIndex, ck.Generation)
		}
		if ck.Generation > 0 && ck.StartBytes != cursor[ck.RangeIndex] {
			return fmt.Errorf("%w: range %d generation %d starts at byte %d, previous stopped at %d", failure.ErrPermanent, ck.RangeIndex, ck.Generation, ck.StartBytes, cursor[ck.RangeIndex])
		}
		next[ck.RangeIndex]++
		cursor[ck.RangeIndex] = ck.CursorBytes
	}
	for i, rc := range log.done {
		if next[i] != rc.Generations {
			return fmt.Errorf("%w: range %d completed after %d generations but has %d checkpoints", failure.ErrPermanent, i, rc.Generations, next[i])
		}
	}
	return nil
}

// Table renders a query result for the JobSucceeded event.
func Table(res *query.Result) events.ResultTable {
	t := events.ResultTable{Columns: res.Columns, Rows: make([][]string, 0, len(res.Rows))}
	for _, row := range res.Rows {
		cells := make([]string, len(row))
		kinds := make([]string, len(row))
		for i, v := range row {
			cells[i], kinds[i] = v.String(), v.Kind.String()
		}
		t.Rows = append(t.Rows, cells)
		t.Kinds = append(t.Kinds, kinds)
	}
	return t
}
