package record

import (
	"errors"
	"fmt"
)

// Boundary is what one range's reading observed at its two ends, in object
// byte offsets: FirstRecordBytes is the sync point (Batch.FirstRecordBytes of
// the range's first batch) and NextRecordBytes the start of the first record
// it does not own (Batch.NextBytes of its Done batch).
type Boundary struct {
	Range            Range
	FirstRecordBytes int64
	NextRecordBytes  int64
}

// BoundaryError reports that two consecutive ranges disagree on where a
// record starts: range Index+1 synced to byte SyncBytes, but range Index's
// last record ended at NextBytes. For CSV this happens when a quoted field
// containing a line break crosses the range boundary at BoundaryBytes.
type BoundaryError struct {
	Index         int   // the earlier range, 0-based
	BoundaryBytes int64 // the offset the two ranges share
	NextBytes     int64 // where range Index says the next record starts
	SyncBytes     int64 // where range Index+1 started reading
}

func (e *BoundaryError) Error() string {
	return fmt.Sprintf("ranges %d and %d disagree on the record start after byte %d (%d vs %d): "+
		"a quoted CSV field containing a line break crosses the range boundary at byte %d; "+
		"use a larger --range-size so the field fits in one range",
		e.Index, e.Index+1, e.BoundaryBytes, e.NextBytes, e.SyncBytes, e.BoundaryBytes)
}

// CheckChain verifies that consecutive ranges (in object order, covering the
// object contiguously from offset 0) handed over at the same record start.
// It returns a *BoundaryError for the first disagreement, or an error if the
// ranges are not contiguous.
//
// Why this makes a result exact or an error: a range reads correctly when it
// starts parsing at a true record start, because from a true start the
// reader follows the format's grammar exactly (the CSV quote state is known).
// Range 0 starts at offset 0, a true start. By induction, suppose range i
// started at a true start; then it parsed its records correctly and its
// NextRecordBytes is the true start of the first record it does not own.
// Range i+1 synced by newline search alone, which may land inside a quoted
// field; but if its FirstRecordBytes equals range i's NextRecordBytes, it
// started at a true start too. So when every pair matches, every range read
// exactly the records whose first byte it holds: each record once, none
// lost. When a pair does not match, the chain is rejected instead of merged.
// A range that synced inside a quoted field may well read without error up
// to its End (TestCheckChainCatchesSilentMisparse), so the check is needed;
// the ranges' own errors are not enough.
func CheckChain(bs []Boundary) error {
	var errs []error
	for i := 0; i+1 < len(bs); i++ {
		a, b := bs[i], bs[i+1]
		if a.Range.End != b.Range.Offset {
			errs = append(errs, fmt.Errorf("ranges %d [%d, %d) and %d [%d, %d) are not contiguous",
				i, a.Range.Offset, a.Range.End, i+1, b.Range.Offset, b.Range.End))
			continue
		}
		if a.NextRecordBytes != b.FirstRecordBytes {
			errs = append(errs, &BoundaryError{Index: i, BoundaryBytes: a.Range.End,
				NextBytes: a.NextRecordBytes, SyncBytes: b.FirstRecordBytes})
		}
	}
	if len(bs) > 0 && bs[0].Range.Offset != 0 {
		errs = append(errs, fmt.Errorf("the first range starts at byte %d, not 0", bs[0].Range.Offset))
	}
	return errors.Join(errs...)
}
