package record

import (
	"context"
	"fmt"
)

// ReadHeader reads the CSV header: the first record right after a BOM at
// offset 0 (as a Reader with Format.Header skips it), split into names.
// f.Kind must be CSV; f.Header is ignored. Errors: *RecordError for a
// missing or empty header line and for bad quoting, *RecordTooLargeError,
// Source errors.
func ReadHeader(ctx context.Context, src Source, f Format, objectSizeBytes int64) ([]string, error) {
	if f.Kind != CSV {
		return nil, fmt.Errorf("reading header: format %s has no header", f.Kind)
	}
	f.Header = false
	r, err := NewReader(src, ReaderOptions{Format: f, ObjectSizeBytes: objectSizeBytes,
		Range: Range{0, objectSizeBytes}, BatchSizeBytes: minReadBytes})
	if err != nil {
		return nil, fmt.Errorf("reading header: %w", err)
	}
	r.buf.ctx = ctx
	if err := r.syncStart(); err != nil {
		return nil, fmt.Errorf("reading header: %w", err)
	}
	start := r.cursor
	if start >= objectSizeBytes {
		return nil, fmt.Errorf("reading header: %w", &RecordError{OffsetBytes: start, Reason: "there is no header line"})
	}
	end, _, err := r.recordEnd(start)
	if err != nil {
		return nil, fmt.Errorf("reading header: %w", err)
	}
	if end == start {
		return nil, fmt.Errorf("reading header: %w", &RecordError{OffsetBytes: start, Reason: "the header line is empty"})
	}
	names, err := parseCSVRecord(r.buf.slice(start, end), f.delim(), start)
	if err != nil {
		return nil, fmt.Errorf("reading header: %w", err)
	}
	return names, nil
}
