package e2e

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/joblog"
	"github.com/batonrun/baton/internal/ledger"
	"github.com/batonrun/baton/internal/ledger/dynamo"
)

// waitJobs finds the job started for each key (by its JobStarted entry's
// object key, since an upload's job id derives from an event id moto
// assigns) and waits, within jobTimeout, for each to end. It fails the test
// for a job that failed or did not end in time, printing the deployment's
// report.
func (e *env) waitJobs(ctx context.Context, t *testing.T, d *dispatcher, keys []string) map[string]events.JobSucceeded {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, jobTimeout)
	defer cancel()
	ids := map[string]string{} // key -> job id
	out := map[string]events.JobSucceeded{}
	for len(out) < len(keys) {
		if err := e.scanJobs(ctx, ids); err != nil && ctx.Err() == nil {
			t.Fatalf("reading the ledger: %v", err)
		}
		for key, id := range ids {
			if _, done := out[key]; done {
				continue
			}
			ent, err := e.ledger.Get(ctx, id, joblog.KeyTerminal)
			if errors.Is(err, ledger.ErrNotFound) {
				continue
			}
			if err != nil {
				if ctx.Err() != nil {
					break
				}
				t.Fatalf("job %s: %v", id, err)
			}
			var ok events.JobSucceeded
			if err := joblog.Decode(ent, &ok); err != nil {
				t.Fatalf("job %s (%s) did not succeed: %s %s\n%s", id, key, ent.DetailType, ent.Detail, e.report(d))
			}
			out[key] = ok
		}
		if ctx.Err() != nil {
			t.Fatalf("jobs did not end within %v: found %v, ended %d of %d\n%s\n%s", jobTimeout, ids, len(out), len(keys), e.jobsReport(), e.report(d))
		}
		if len(out) < len(keys) {
			time.Sleep(200 * time.Millisecond)
		}
	}
	return out
}

// scanJobs adds to ids (key -> job id) every job whose JobStarted is in
// the ledger.
func (e *env) scanJobs(ctx context.Context, ids map[string]string) error {
	jobs, err := e.ledger.Jobs(ctx)
	if err != nil {
		return err
	}
	for _, j := range jobs {
		ent, err := e.ledger.Get(ctx, j.JobID, joblog.KeyJob)
		if errors.Is(err, ledger.ErrNotFound) {
			continue // the plan lands before the job entry
		}
		if err != nil {
			return err
		}
		var js events.JobStarted
		if err := joblog.Decode(ent, &js); err != nil {
			return err
		}
		ids[js.Spec.Object.Key] = j.JobID
	}
	return nil
}

// jobsReport lists every job in the table with its terminal entry.
func (e *env) jobsReport() string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	jobs, err := e.ledger.Jobs(ctx)
	if err != nil {
		return fmt.Sprintf("listing jobs: %v", err)
	}
	var b strings.Builder
	for _, j := range jobs {
		fmt.Fprintf(&b, "job %s: %d entries", j.JobID, j.Entries)
		if ent, err := e.ledger.Get(ctx, j.JobID, joblog.KeyTerminal); err == nil {
			fmt.Fprintf(&b, ", terminal %s %s", ent.DetailType, ent.Detail)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// historyStats summarises a job's checked log.
type historyStats struct {
	ranges, checkpoints, hops int
}

// history reads a succeeded job's log from DynamoDB and checks its shape:
// the job entry; one plan/ entry per range, the ranges tiling the object;
// per range, checkpoints for generations 0..n-1 chaining cursor to start,
// only the last one done; a done/ entry per range agreeing with its last
// checkpoint and chaining record bounds to the next range; no failed/
// entry; a JobSucceeded terminal.
func (e *env) history(ctx context.Context, t *testing.T, jobID string, sizeBytes int64) historyStats {
	t.Helper()
	list := func(prefix string) []ledger.Entry {
		es, err := e.ledger.List(ctx, jobID, prefix)
		if err != nil {
			t.Fatalf("job %s: listing %s: %v", jobID, prefix, err)
		}
		return es
	}
	var js events.JobStarted
	mustGet(ctx, t, e.ledger, jobID, joblog.KeyJob, &js)
	var ok events.JobSucceeded
	mustGet(ctx, t, e.ledger, jobID, joblog.KeyTerminal, &ok)
	if js.Spec.Object.SizeBytes != sizeBytes || js.RangeCount < 2 {
		t.Fatalf("job %s: started with %d bytes, %d ranges; want %d bytes and several ranges", jobID, js.Spec.Object.SizeBytes, js.RangeCount, sizeBytes)
	}
	// List returns entries in Seq (append) order; order them by range and
	// generation to check the chains.
	plans := decodeAll[events.RangePlanned](t, list(joblog.PrefixPlan))
	slices.SortFunc(plans, func(a, b events.RangePlanned) int { return a.Range.Index - b.Range.Index })
	if len(plans) != js.RangeCount {
		t.Fatalf("job %s: %d plan entries for %d ranges", jobID, len(plans), js.RangeCount)
	}
	var next int64
	for i, p := range plans {
		if p.Range.Index != i || p.Range.OffsetBytes != next || p.Range.LengthBytes <= 0 {
			t.Fatalf("job %s: plan %d is %+v, want index %d at offset %d", jobID, i, p.Range, i, next)
		}
		next = p.Range.EndBytes()
	}
	if next != sizeBytes {
		t.Fatalf("job %s: plan ends at %d of %d bytes", jobID, next, sizeBytes)
	}
	ckpts := decodeAll[events.CheckpointCommitted](t, list(joblog.PrefixCkpt))
	slices.SortFunc(ckpts, func(a, b events.CheckpointCommitted) int {
		return cmp.Or(a.RangeIndex-b.RangeIndex, a.Generation-b.Generation)
	})
	dones := decodeAll[events.RangeCompleted](t, list(joblog.PrefixDone))
	slices.SortFunc(dones, func(a, b events.RangeCompleted) int { return a.RangeIndex - b.RangeIndex })
	if failed := list(joblog.PrefixFailed); len(failed) > 0 {
		t.Errorf("job %s: %d failed/ entries, first %s", jobID, len(failed), failed[0].Detail)
	}
	if len(dones) != len(plans) {
		t.Fatalf("job %s: %d done/ entries for %d ranges", jobID, len(dones), len(plans))
	}
	st := historyStats{ranges: len(plans), checkpoints: len(ckpts)}
	byRange := map[int][]events.CheckpointCommitted{}
	for _, c := range ckpts {
		byRange[c.RangeIndex] = append(byRange[c.RangeIndex], c)
	}
	for i, p := range plans {
		cs := byRange[i]
		if err := checkChain(p.Range, cs, dones[i]); err != nil {
			t.Errorf("job %s: range %d: %v", jobID, i, err)
		}
		st.hops += len(cs) - 1
		if i+1 < len(dones) && dones[i].NextRecordBytes != dones[i+1].FirstRecordBytes {
			t.Errorf("job %s: range %d ends at record %d, range %d starts at %d", jobID, i, dones[i].NextRecordBytes, i+1, dones[i+1].FirstRecordBytes)
		}
	}
	return st
}

// checkChain checks one range's checkpoints: generations 0..n-1 in order,
// generation 0 starting at the range offset, each next one at the cursor
// the previous left, only the last done, and the range's RangeCompleted
// matching them.
func checkChain(r events.Range, cs []events.CheckpointCommitted, done events.RangeCompleted) error {
	if len(cs) == 0 {
		return errors.New("no checkpoints")
	}
	for g, c := range cs {
		switch {
		case c.Generation != g:
			return fmt.Errorf("checkpoint %d has generation %d", g, c.Generation)
		case g == 0 && c.StartBytes != r.OffsetBytes && c.StartBytes != c.FirstRecordBytes:
			return fmt.Errorf("generation 0 starts at %d, range at %d", c.StartBytes, r.OffsetBytes)
		case g > 0 && c.StartBytes != cs[g-1].CursorBytes:
			return fmt.Errorf("generation %d starts at %d, generation %d left the cursor at %d", g, c.StartBytes, g-1, cs[g-1].CursorBytes)
		case c.Done != (g == len(cs)-1):
			return fmt.Errorf("generation %d of %d has done=%v", g, len(cs), c.Done)
		}
	}
	last := cs[len(cs)-1]
	if done.RangeIndex != r.Index || done.Generations != len(cs) || done.NextRecordBytes != last.CursorBytes || done.FirstRecordBytes != cs[0].FirstRecordBytes {
		return fmt.Errorf("done entry %+v does not match %d checkpoints ending at %d, first record %d", done, len(cs), last.CursorBytes, cs[0].FirstRecordBytes)
	}
	if last.CursorBytes < r.EndBytes() && r.EndBytes() > 0 && last.Stop != events.StopDone {
		return fmt.Errorf("last checkpoint stopped %s at %d before the range end %d", last.Stop, last.CursorBytes, r.EndBytes())
	}
	return nil
}

func mustGet(ctx context.Context, t *testing.T, l *dynamoLedger, jobID, key string, d events.Detail) {
	t.Helper()
	ent, err := l.Get(ctx, jobID, key)
	if err != nil {
		t.Fatalf("job %s: %s: %v", jobID, key, err)
	}
	if err := joblog.Decode(ent, d); err != nil {
		t.Fatalf("job %s: %v", jobID, err)
	}
}

// decodeAll decodes entries of one detail type, in key order.
func decodeAll[T any, P interface {
	*T
	events.Detail
}](t *testing.T, es []ledger.Entry) []T {
	t.Helper()
	out := make([]T, len(es))
	for i, ent := range es {
		if err := joblog.Decode(ent, P(&out[i])); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

type dynamoLedger = dynamo.Ledger
