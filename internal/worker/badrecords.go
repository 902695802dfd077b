package worker

import (
	"context"
	"errors"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/failure"
)

// badRecords counts the bad records one invocation skips and keeps the
// first events.MaxBadRecordSamples of them (in offset order, as records
// arrive). It enforces Limits.MaxBadRecords on the range's running count:
// the earlier generations' (before) plus this invocation's.
type badRecords struct {
	rangeIndex int
	before     int64
	max        int64
	show       bool
	count      int64
	samples    []events.BadRecordSample
}

// skip counts err when it is a bad record (failure.BadRecord) and returns
// nil while the range stays within the limit. Otherwise it returns the
// error that fails the range: err itself when it is not a bad record or the
// limit is 0 (the first bad record fails the job, as without the limit),
// else a *failure.BadRecordsError. Record contents appear in what it returns
// only when the job shows bad values.
func (b *badRecords) skip(err error, rec []byte) error {
	sample, ok := failure.BadRecord(err, rec, b.show)
	if !ok {
		return err
	}
	if b.max == 0 {
		return failure.WithValue(err, sample)
	}
	b.count++
	if len(b.samples) < events.MaxBadRecordSamples {
		b.samples = append(b.samples, sample)
	}
	if total := b.before + b.count; total > b.max {
		return &failure.BadRecordsError{Count: total, Max: b.max, RangeIndex: b.rangeIndex, First: b.samples[0]}
	}
	return nil
}

// firstOfRange makes a *failure.BadRecordsError name the range's first bad
// record when an earlier generation skipped it: it reads the earlier
// checkpoints (a failure path, so the extra reads are cheap enough). Other
// errors, and a read that fails, leave err as it is.
func (w *Worker) firstOfRange(ctx context.Context, inv invocation, err error) error {
	var tooMany *failure.BadRecordsError
	if inv.badBefore == 0 || !errors.As(err, &tooMany) {
		return err
	}
	for gen := 0; gen < inv.gen; gen++ {
		c, cerr := w.checkpoint(ctx, inv, gen)
		if cerr != nil {
			return err
		}
		if len(c.BadRecordSamples) > 0 {
			tooMany.First = c.BadRecordSamples[0]
			return err
		}
	}
	return err
}
