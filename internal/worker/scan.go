package worker

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/query"
	"github.com/batonrun/baton/internal/record"
)

// checkEvery is how many records pass between deadline checks inside a
// batch; the check stops a batch that is slower than the whole timeout.
const checkEvery = 256

// errStopHere ends a batch early; the record it was returned for is not consumed.
var errStopHere = errors.New("stop before this record")

// scan reads batches until the range is done or the deadline is near, and
// returns the checkpoint to commit (without the job id fields filled by run).
func (w *Worker) scan(ctx context.Context, inv invocation) (events.CheckpointCommitted, *countingReader, error) {
	reads := newCountingReader(w.store)
	ck, err := w.scanFrom(ctx, inv, reads)
	return ck, reads, err
}

func (w *Worker) scanFrom(ctx context.Context, inv invocation, store *countingReader) (events.CheckpointCommitted, error) {
	started := w.opts.Now()
	ck := events.CheckpointCommitted{
		SchemaVersion: events.SchemaVersion, JobID: inv.jobID, RangeIndex: inv.rng.Index, Generation: inv.gen,
		StartBytes: inv.cursor, CursorBytes: inv.cursor, FirstRecordBytes: inv.cursor, Stop: events.StopDeadline,
	}
	c, err := w.compiled.get(inv.spec)
	if err != nil {
		return ck, fmt.Errorf("compiling query: %w", err)
	}
	dec, err := c.NewDecoder()
	if err != nil {
		return ck, err
	}
	acc := c.Plan.NewAccumulator(c.QueryOptions())
	s := &scanState{w: w, ctx: ctx, dec: dec, acc: acc, reserveCap: -1, tailFloor: inv.tailFloor,
		bad: badRecords{rangeIndex: inv.rng.Index, before: inv.badBefore, max: inv.spec.Limits.MaxBadRecords, show: inv.spec.Limits.ShowBadValues},
		par: parallelScan{c: c, inv: inv, store: store, cheapRereads: w.opts.CheapRereads}}
	r, err := s.par.open(record.Range{Offset: inv.rng.OffsetBytes, End: inv.rng.EndBytes()},
		inv.cursor, inv.synced, inv.spec.Limits.BatchSizeBytes, nil)
	if err != nil {
		return ck, fmt.Errorf("opening range %d: %w", inv.rng.Index, err)
	}
	if deadline, ok := ctx.Deadline(); ok {
		s.reserveCap = deadline.Sub(started) / 2
	}
	if err := s.loop(r, inv, &ck); err != nil {
		return ck, w.firstOfRange(ctx, inv, err)
	}
	pr, err := s.par.merged(acc.Partial())
	if err != nil {
		return ck, fmt.Errorf("range %d: %w", inv.rng.Index, err)
	}
	partial, err := pr.MarshalJSON()
	if err != nil {
		return ck, fmt.Errorf("encoding partial result: %w", err)
	}
	ck.Partial = partial
	ck.Records = s.records
	ck.BadRecords, ck.BadRecordSamples = s.bad.count, s.bad.samples
	ck.Bytes = ck.CursorBytes - ck.StartBytes
	ck.CacheHits = s.par.hits()
	ck.DurationMillis = w.opts.Now().Sub(started).Milliseconds()
	return ck, nil
}

// scanState is the per-invocation state of the batch loop.
type scanState struct {
	w         *Worker
	ctx       context.Context
	dec       *record.Decoder
	acc       *query.Accumulator
	records   int64 // records read, the bad ones included
	bad       badRecords
	slowest   time.Duration
	stoppedAt int64
	// reserveCap bounds the tail reserve to half the invocation's time
	// budget (-1: no deadline), so one slow tail cannot leave a short
	// timeout no room for work.
	reserveCap time.Duration
	// tailFloor is the least reserve kept for the tail: how long this
	// invocation's ledger reads before the scan took.
	tailFloor time.Duration
	// par scans batches after the first in parallel spans (parallel.go).
	par parallelScan
}

func (s *scanState) loop(r *record.Reader, inv invocation, ck *events.CheckpointCommitted) error {
	for batches := 0; ; batches++ {
		if batches > 0 && !s.timeFor(s.slowest) {
			return nil // deadline near: commit what we have
		}
		t0 := s.w.opts.Now()
		b, ok, err := s.parallelBatch(r, batches, ck.CursorBytes)
		if err != nil {
			return err
		}
		if !ok {
			s.stoppedAt = -1
			b, err = r.ReadBatch(s.ctx, s.consume)
			if batches == 0 && !inv.synced {
				ck.FirstRecordBytes = b.FirstRecordBytes
			}
			if errors.Is(err, errStopHere) {
				ck.CursorBytes = s.stoppedAt
				ck.Batches++ // a partial batch
				return nil
			}
			if err != nil {
				return err
			}
		}
		ck.CursorBytes = b.NextBytes
		ck.Batches++
		if p := s.w.opts.Progress; p != nil {
			p.BatchDone(inv.jobID, inv.rng.Index, b.NextBytes-b.StartBytes, b.Records)
		}
		s.slowest = max(s.slowest, s.w.opts.Now().Sub(t0)) // includes reporting progress
		if b.Done {
			ck.Done, ck.Stop = true, events.StopDone
			return nil
		}
	}
}

// consume decodes and accumulates one record. Every checkEvery records it
// checks that the commit still fits before the deadline; it always lets the
// first record of the invocation through, so each invocation makes progress.
func (s *scanState) consume(rec []byte, off int64) error {
	if s.records > 0 && s.records%checkEvery == 0 && !s.timeFor(0) {
		s.stoppedAt = off
		return errStopHere
	}
	row, err := s.dec.Decode(rec, off)
	if err == nil {
		err = s.acc.Add(row, off) // all or nothing: a bad record leaves no trace
	}
	if err != nil {
		if err := s.bad.skip(err, rec); err != nil {
			return err
		}
	}
	s.records++
	return nil
}

// timeFor reports whether work taking d, plus the commit, fits before the
// context's deadline. No deadline means there is always time.
func (s *scanState) timeFor(d time.Duration) bool {
	deadline, ok := s.ctx.Deadline()
	if !ok {
		return true
	}
	reserve := max(s.w.commit.get(), s.tailFloor)
	if s.reserveCap >= 0 {
		reserve = min(reserve, s.reserveCap)
	}
	return deadline.Sub(s.w.opts.Now()) > d+reserve
}

// commitEstimate estimates an invocation's tail (commit and publish): it
// rises at once to a slower observation, so the next invocation keeps
// enough back, and decays towards faster ones as an exponentially weighted
// moving average (weight 1/4 for the newest). Safe for concurrent use.
type commitEstimate struct {
	mu sync.Mutex
	v  time.Duration
}

func (m *commitEstimate) get() time.Duration {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.v
}

func (m *commitEstimate) observe(d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if d > m.v {
		m.v = d
		return
	}
	m.v = (3*m.v + d) / 4
}
