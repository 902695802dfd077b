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
	ckpts   []events.CheckpointCommitted // ordered by range, then generation
}

func readLog(ctx context.Context, l Ledger, jobID string) (jobLog, error) {
	log := jobLog{done: map[int]events.RangeCompleted{}, ranges: map[int]events.Range{}}
	e, err := l.Get(ctx, jobID, joblog.KeyJob)
	if err != nil {
		return log, fmt.Errorf("job %s: reading JobStarted: %w", jobID, err)
	}
	if err := joblog.Decode(e, &log.started); err != nil {
		return log, err
	}
	dones, err := l.List(ctx, jobID, joblog.PrefixDone)
	if err != nil {
		return log, fmt.Errorf("job %s: listing completed ranges: %w", jobID, err)
	}
	for _, e := range dones {
		var rc events.RangeCompleted
		if err := joblog.Decode(e, &rc); err != nil {
			return log, err
		}
		log.done[rc.RangeIndex] = rc
	}
	if len(log.done) < log.started.RangeCount {
		return log, nil
	}
	plans, err := l.List(ctx, jobID, joblog.PrefixPlan)
	if err != nil {
		return log, fmt.Errorf("job %s: listing the plan: %w", jobID, err)
	}
	for _, e := range plans {
		var rp events.RangePlanned
		if err := joblog.Decode(e, &rp); err != nil {
			return log, err
		}
		log.ranges[rp.Range.Index] = rp.Range
	}
	cks, err := l.List(ctx, jobID, joblog.PrefixCkpt)
	if err != nil {
		return log, fmt.Errorf("job %s: listing checkpoints: %w", jobID, err)
	}
	for _, e := range cks {
		var c events.CheckpointCommitted
		if err := joblog.Decode(e, &c); err != nil {
			return log, err
		}
		log.ckpts = append(log.ckpts, c)
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

// merge checks the log and produces the job's result.
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
	out.Stats.Hops = len(log.ckpts) - js.RangeCount
	return out, nil
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
func checkBoundaries(log jobLog) error {
	bs := make([]record.Boundary, 0, len(log.done))
	for i := 0; i < log.started.RangeCount; i++ {
		rc, r := log.done[i], log.ranges[i]
		bs = append(bs, record.Boundary{Range: record.Range{Offset: r.OffsetBytes, End: r.EndBytes()},
			FirstRecordBytes: rc.FirstRecordBytes, NextRecordBytes: rc.NextRecordBytes})
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
