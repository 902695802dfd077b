package worker

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/batonrun/baton/aggregate"
	"github.com/batonrun/baton/internal/jobspec"
	"github.com/batonrun/baton/internal/objstore"
	"github.com/batonrun/baton/internal/record"
)

// Parallel batches (Options.Parallelism above 1).
//
// The first batch of an invocation runs sequentially: it syncs an unsynced
// range, guarantees progress, and measures a batch. Each later batch
// [cursor, min(cursor+BatchSizeBytes, range end)) is cut into Parallelism
// byte spans, and each span is scanned by its own goroutine with its own
// record.Reader, Decoder and Accumulator. A span owns the records whose
// first byte it holds (DESIGN.md invariant 1, applied inside the batch):
// the first span starts synced at the cursor, a true record start; the
// others sync by newline search, and every span reads past its end to
// finish its last record.
//
// The batch is kept only when it is certainly what the sequential scan
// would have produced: every span handed over at the record start the next
// span synced to (record.CheckChain's argument: by induction from the
// cursor, every span then started at a true record start), no span failed,
// met a bad record or ran short of time, and the span results merged within
// the limits. Otherwise the whole batch is discarded and run again
// sequentially, which gives the sequential semantics exactly: its errors,
// the order of bad records and --max-bad-records, and the deadline stop.
//
// The span results are merged with aggregate.PartialResult.Merge, which is
// exact for counts, integer sums, min, max and rows; a float sum may differ
// from the sequential one in its last bits, as it does across ranges.

// parallelStats counts a Worker's parallel batches: kept, and discarded
// (then run sequentially). Safe for concurrent use.
type parallelStats struct {
	kept, discarded atomic.Int64
}

// errAbandon stops a span early; its batch then runs sequentially.
var errAbandon = errors.New("parallel batch abandoned")

// parallelScan opens the readers of one invocation and keeps the merged
// results of its parallel batches. Only the scan's goroutine uses it.
type parallelScan struct {
	c     *jobspec.Compiled
	inv   invocation
	store *countingReader
	srcs  []*objstore.Pinned       // one per reader opened, for the cache hits
	total *aggregate.PartialResult // the parallel batches so far; nil before the first
	// cheapRereads is Options.CheapRereads.
	cheapRereads bool
}

// open returns a reader of rng over its own pinned source; with peek, the
// bytes a span reader needs are served from peek first.
func (p *parallelScan) open(rng record.Range, cursor int64, synced bool, batchBytes int64, pk *peeked) (*record.Reader, error) {
	pin := &objstore.Pinned{Store: p.store, Object: p.inv.spec.Object}
	p.srcs = append(p.srcs, pin)
	var src record.Source = pin
	if pk != nil {
		src = &peeked{off: pk.off, data: pk.data, next: pin}
	}
	return record.NewReader(src, record.ReaderOptions{
		Format: p.c.Format, ObjectSizeBytes: p.inv.spec.Object.SizeBytes,
		Range: rng, Cursor: cursor, Synced: synced, BatchSizeBytes: batchBytes,
		Reread: pk != nil || p.cheapRereads, // a span re-reads from the peeked batch in memory
	})
}

// spanTailBytes is how far past a batch's end the invocation's reader
// peeks, so that the last span finishes its last record from memory too.
const spanTailBytes = 64 << 10

// peeked serves span readers the bytes the invocation's reader already
// holds (object bytes [off, off+len(data))), so a parallel batch reads the
// store once, in the sequential reader's order, and the store's read-ahead
// keeps lining up. A read reaching past data goes to next.
type peeked struct {
	off  int64
	data []byte
	next record.Source
}

func (p *peeked) ReadRange(ctx context.Context, off, n int64) ([]byte, error) {
	if off >= p.off && off+n <= p.off+int64(len(p.data)) {
		i := off - p.off
		return p.data[i : i+n : i+n], nil
	}
	return p.next.ReadRange(ctx, off, n)
}

// hits sums the cache hits of every reader opened.
func (p *parallelScan) hits() int64 {
	var n int64
	for _, s := range p.srcs {
		n += s.Hits
	}
	return n
}

// merged folds the parallel batches' results into pr, the sequential
// batches' partial result, and returns it.
func (p *parallelScan) merged(pr *aggregate.PartialResult) (*aggregate.PartialResult, error) {
	if p.total == nil {
		return pr, nil
	}
	if err := pr.Merge(p.total); err != nil {
		return nil, err
	}
	return pr, nil
}

// span is one goroutine's share of a parallel batch.
type span struct {
	r    *record.Reader
	b    record.Batch
	part *aggregate.PartialResult
	err  error
}

// parallelBatch scans the batch at cursor in spans. ok false means nothing
// was done (a first batch, Parallelism 1, a batch too small to cut, or a
// batch discarded): run it sequentially. An error is a merge that
// exceeded the limits, which fails the range.
func (s *scanState) parallelBatch(r *record.Reader, batches int, cursor int64) (b record.Batch, ok bool, err error) {
	spans := s.cut(r, batches, cursor)
	if spans == nil {
		return b, false, nil
	}
	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()
	var wg sync.WaitGroup
	for i := range spans {
		wg.Go(func() { s.scanSpan(ctx, cancel, &spans[i]) })
	}
	wg.Wait()
	part, b, ok := joinSpans(spans)
	if !ok {
		s.w.parStats.discarded.Add(1)
		return b, false, nil
	}
	b.Done = b.NextBytes >= s.par.inv.rng.EndBytes() || b.NextBytes >= s.par.inv.spec.Object.SizeBytes
	if s.par.total == nil {
		s.par.total = part
	} else if err := s.par.total.Merge(part); err != nil {
		return b, false, err
	}
	if err := r.SkipTo(b.NextBytes); err != nil {
		return b, false, err
	}
	s.records += b.Records
	s.w.parStats.kept.Add(1)
	return b, true, nil
}

// cut opens one reader per span of the batch at cursor, over the bytes r
// peeks, or returns nil when the batch is to run sequentially.
func (s *scanState) cut(r *record.Reader, batches int, cursor int64) []span {
	n := int64(s.w.opts.Parallelism)
	if batches == 0 || n < 2 {
		return nil
	}
	size := s.par.inv.spec.Limits.BatchSizeBytes
	if size == 0 {
		size = record.DefaultBatchSizeBytes
	}
	end := min(cursor+size, s.par.inv.rng.EndBytes())
	n = min(n, end-cursor)
	if n < 2 {
		return nil
	}
	off, data, err := r.Peek(s.ctx, end-cursor+spanTailBytes)
	if err != nil || off != cursor {
		return nil // the sequential path meets and reports the same problem
	}
	pk := &peeked{off: off, data: data}
	spans := make([]span, n)
	for i := range n {
		from, to := cursor+(end-cursor)*i/n, cursor+(end-cursor)*(i+1)/n
		sr, err := s.par.open(record.Range{Offset: from, End: to}, from, i == 0, to-from, pk)
		if err != nil {
			return nil // cannot happen for valid spans; the sequential path reports real problems
		}
		spans[i].r = sr
	}
	return spans
}

// scanSpan reads one span in one ReadBatch into its own accumulator. Any
// error, bad record included, abandons the span and cancels the others.
func (s *scanState) scanSpan(ctx context.Context, cancel context.CancelFunc, sp *span) {
	defer func() {
		if sp.err != nil {
			cancel()
		}
	}()
	dec, err := s.par.c.NewDecoder()
	if err != nil {
		sp.err = err
		return
	}
	acc := s.par.c.Plan.NewAccumulator(s.par.c.QueryOptions())
	var n int64
	sp.b, sp.err = sp.r.ReadBatch(ctx, func(rec []byte, off int64) error {
		if n%checkEvery == 0 && (ctx.Err() != nil || !s.timeFor(0)) {
			return errAbandon
		}
		n++
		row, err := dec.Decode(rec, off)
		if err == nil {
			err = acc.Add(row, off)
		}
		return err
	})
	if sp.err == nil {
		sp.part = acc.Partial()
	}
}

// joinSpans checks the hand-overs and merges the span results in span
// order. ok false: a span failed, two spans disagree on a record start, or
// the merge failed; discard the batch.
func joinSpans(spans []span) (part *aggregate.PartialResult, b record.Batch, ok bool) {
	first, last := spans[0].b, spans[len(spans)-1].b
	b = record.Batch{StartBytes: first.StartBytes, FirstRecordBytes: first.FirstRecordBytes, NextBytes: last.NextBytes}
	b.Bytes = b.NextBytes - b.StartBytes
	for i := range spans {
		sp := &spans[i]
		if sp.err != nil || (i > 0 && spans[i-1].b.NextBytes != sp.b.FirstRecordBytes) {
			return nil, b, false
		}
		b.Records += sp.b.Records
		if i == 0 {
			part = sp.part
		} else if err := part.Merge(sp.part); err != nil {
			return nil, b, false
		}
	}
	return part, b, true
}
