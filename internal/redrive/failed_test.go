package redrive_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/batonrun/baton/aggregate/fanin"
	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/joblog"
	ledgermem "github.com/batonrun/baton/internal/ledger/memory"
	objmem "github.com/batonrun/baton/internal/objstore/memory"
	"github.com/batonrun/baton/internal/redrive"
	"github.com/batonrun/baton/internal/splitter"
	"github.com/batonrun/baton/internal/wiring/wiringtest"
	"github.com/batonrun/baton/internal/worker"
)

// A failed range is not re-published (re-reading it fails again); once
// every other range is done redrive requests the fan-in, which decides:
// within the tolerance a partial result over the other ranges; without
// tolerance (a worker that died between RangeFailed and JobFailed) the
// range's own failure.
func TestRedriveLeavesFailedRangesToTheFanIn(t *testing.T) {
	for _, tolerate := range []bool{true, false} {
		ctx := context.Background()
		var b strings.Builder
		var starts []int64
		for i := 0; b.Len() < 48<<10; i++ {
			starts = append(starts, int64(b.Len()))
			if i == 2000 { // in range 1 of 16 KiB ranges
				b.WriteString(strings.Repeat("x", 3000) + "\n")
				continue
			}
			fmt.Fprintf(&b, "line %d\n", i)
		}
		store := objmem.New(objmem.Options{})
		obj := store.Put("", "in.txt", []byte(b.String()))
		l, bus := ledgermem.New(), &wiringtest.Recorder{}
		limits := events.Limits{RangeSizeBytes: 16 << 10, MaxRecordBytes: 1024}
		if tolerate {
			limits.ToleratedFailureCount = 1
		}
		jobID := fmt.Sprintf("failed-%v", tolerate)
		env, _ := events.Encode("r", time.Now(), events.JobRequested{SchemaVersion: events.SchemaVersion, JobID: jobID, Object: obj,
			Query: "SELECT count(*) FROM s3object", Format: events.Format{Kind: "lines"}, Limits: limits})
		if err := splitter.New(store, l, bus, splitter.Options{}).Handle(ctx, env); err != nil {
			t.Fatal(err)
		}
		w, _ := worker.New(store, l, bus, worker.Options{})
		var failedRange events.Range
		for _, e := range bus.Take("") {
			var ra events.RangeAssigned
			if e.DetailType != events.TypeRangeAssigned || events.Decode(e, &ra) != nil {
				continue
			}
			if starts[2000] >= ra.Range.OffsetBytes && starts[2000] < ra.Range.EndBytes() {
				failedRange = ra.Range
				if !tolerate { // the worker died after RangeFailed, before JobFailed
					rf := events.RangeFailed{SchemaVersion: events.SchemaVersion, JobID: jobID, RangeIndex: ra.Range.Index, Code: events.CodeRecordTooBig, Reason: "too long"}
					entry, _ := joblog.NewEntry(jobID, joblog.FailedKey(ra.Range.Index), time.Now(), rf)
					if err := l.Append(ctx, jobID, entry); err != nil {
						t.Fatal(err)
					}
					continue
				}
			}
			if err := w.Handle(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		bus.Take("") // the fan-in request is lost
		rep, err := redrive.Job(ctx, l, bus, jobID, redrive.Options{})
		if err != nil || len(rep.Failed) != 1 || rep.Failed[0] != failedRange.Index || !rep.FanIn || len(rep.Assigned)+len(rep.Continued) != 0 {
			t.Fatalf("tolerate=%v: report %+v (%v), want only range %d failed and the fan-in", tolerate, rep, err, failedRange.Index)
		}
		agg := fanin.New(l, bus, fanin.Options{})
		for _, e := range bus.Take("") {
			if err := agg.Handle(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		term, err := l.Get(ctx, jobID, joblog.KeyTerminal)
		if err != nil {
			t.Fatal(err)
		}
		if !tolerate {
			var jf events.JobFailed
			if err := joblog.Decode(term, &jf); err != nil || jf.Code != events.CodeRecordTooBig || jf.RangeIndex != failedRange.Index {
				t.Fatalf("no tolerance: terminal %s %s (%v), want JobFailed %s of range %d", term.DetailType, term.Detail, err, events.CodeRecordTooBig, failedRange.Index)
			}
			continue
		}
		var js events.JobSucceeded
		if err := joblog.Decode(term, &js); err != nil {
			t.Fatalf("terminal %s %s: %v", term.DetailType, term.Detail, err)
		}
		want := 0
		for _, s := range starts {
			if s < failedRange.OffsetBytes || s >= failedRange.EndBytes() {
				want++
			}
		}
		if !js.Partial || len(js.FailedRanges) != 1 || js.FailedRanges[0].OffsetBytes != failedRange.OffsetBytes || js.Result.Rows[0][0] != fmt.Sprint(want) {
			t.Fatalf("partial %v, failed %+v, count %v, want %d without range %+v", js.Partial, js.FailedRanges, js.Result.Rows, want, failedRange)
		}
	}
}
