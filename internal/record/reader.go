package record

import (
	"context"
	"errors"
	"fmt"
)

// DefaultBatchSizeBytes is the batch size when ReaderOptions.BatchSizeBytes
// is 0: 8 MiB.
const DefaultBatchSizeBytes int64 = 8 << 20

// minReadBytes is the smallest read issued past the batch end (to finish a
// record), unless the batch itself is smaller.
const minReadBytes int64 = 64 << 10

// Source is the object store port as the reader consumes it: ranged reads of
// one pinned object version.
type Source interface {
	// ReadRange returns the object's bytes [offsetBytes, offsetBytes+lengthBytes).
	// It returns fewer bytes only at the end of the object. The returned
	// slice may be shared; the reader never modifies it.
	ReadRange(ctx context.Context, offsetBytes, lengthBytes int64) ([]byte, error)
}

// Range is a half-open byte range [Offset, End) of the object.
type Range struct {
	Offset int64
	End    int64
}

// ReaderOptions configures a Reader for one invocation of one range.
type ReaderOptions struct {
	Format Format
	// ObjectSizeBytes is the size of the pinned object version.
	ObjectSizeBytes int64
	// Range is the range this reader owns records of; Range{0, size} is the
	// whole object.
	Range Range
	// Cursor is where to continue. With Synced false it must be 0 or
	// Range.Offset; with Synced true it must be a true record start (a
	// NextBytes returned earlier for this range).
	Cursor int64
	// Synced is false only for the first invocation of a range: the reader
	// then syncs to the first record start at or after Range.Offset, and at
	// offset 0 skips the BOM and the header.
	Synced bool
	// BatchSizeBytes bounds the record starts one ReadBatch covers; 0 means
	// DefaultBatchSizeBytes.
	BatchSizeBytes int64
	// Reread says the Source serves a read that overlaps an earlier one as
	// cheaply as any other (memory, a local file). The reader then reads
	// again the few bytes of a record that spans two reads and scans each
	// read's slice in place; otherwise it copies every read into its own
	// buffer, and each read starts where the last one ended (as a store's
	// read-ahead expects: leave it false for S3). The records are the same.
	Reread bool
}

// Validate reports every problem with o, joined.
func (o ReaderOptions) Validate() error {
	errs := []error{o.Format.Validate()}
	r := o.Range
	if o.ObjectSizeBytes < 0 {
		errs = append(errs, fmt.Errorf("object size %d bytes is negative", o.ObjectSizeBytes))
	}
	if r.Offset < 0 || r.End < r.Offset || r.End > o.ObjectSizeBytes {
		errs = append(errs, fmt.Errorf("range [%d, %d) is not inside the %d-byte object",
			r.Offset, r.End, o.ObjectSizeBytes))
	}
	if o.Synced && (o.Cursor < r.Offset || o.Cursor > o.ObjectSizeBytes) {
		errs = append(errs, fmt.Errorf("cursor %d is outside [%d, %d]", o.Cursor, r.Offset, o.ObjectSizeBytes))
	}
	if !o.Synced && o.Cursor != 0 && o.Cursor != r.Offset {
		errs = append(errs, fmt.Errorf("cursor %d of an unsynced reader must be the range offset %d",
			o.Cursor, r.Offset))
	}
	if o.BatchSizeBytes < 0 {
		errs = append(errs, fmt.Errorf("batch size %d bytes is negative", o.BatchSizeBytes))
	}
	return errors.Join(errs...)
}

// Batch reports what one ReadBatch did. Offsets are bytes in the object.
type Batch struct {
	// StartBytes is the cursor when the batch began (Range.Offset before sync).
	StartBytes int64
	// NextBytes is the start of the next unprocessed record, a true record
	// start: store it as the checkpoint cursor and resume with Synced true.
	NextBytes int64
	// Records is the number of records passed to fn.
	Records int64
	// Bytes is NextBytes - StartBytes.
	Bytes int64
	// Done: no record owned by the range remains.
	Done bool
	// FirstRecordBytes is the sync point when this batch synced (the first
	// record start at or after Range.Offset, after BOM and header at 0);
	// otherwise it equals StartBytes.
	FirstRecordBytes int64
}

// Reader reads the records a range owns, batch by batch. It is not safe for
// concurrent use. After ReadBatch returns an error the Reader must not be
// used again.
type Reader struct {
	src      Source
	kind     Kind
	header   bool
	delim    byte
	maxRec   int64
	size     int64
	rng      Range
	cursor   int64
	synced   bool
	batch    int64
	minRead  int64
	ownFirst bool // the record at cursor follows a BOM at 0: its first byte counts as 0
	buf      window
	quotes   quoteCache
}

// NewReader returns a reader for one invocation of one range. It returns the
// joined validation errors of o.
func NewReader(src Source, o ReaderOptions) (*Reader, error) {
	if err := o.Validate(); err != nil {
		return nil, fmt.Errorf("reader options: %w", err)
	}
	r := &Reader{
		src: src, kind: o.Format.Kind, header: o.Format.Header, delim: o.Format.delim(),
		maxRec: o.Format.maxRecord(), size: o.ObjectSizeBytes, rng: o.Range,
		cursor: o.Cursor, synced: o.Synced, batch: o.BatchSizeBytes,
	}
	if r.batch == 0 {
		r.batch = DefaultBatchSizeBytes
	}
	if !r.synced {
		r.cursor = r.rng.Offset
	}
	r.minRead = min(minReadBytes, r.batch)
	r.buf = window{src: src, size: r.size, off: r.cursor, reread: o.Reread}
	return r, nil
}

// ReadBatch calls fn for every record owned by the range that starts in
// [cursor, min(cursor+BatchSizeBytes, Range.End)), in order, and at least
// one line when the cursor is before Range.End. rec excludes the terminator
// and is valid only during fn (it may alias an internal buffer); offsetBytes
// is the record's first byte in the object. Reading continues past the batch
// end and Range.End to complete the last record.
//
// Errors: *RecordTooLargeError, *RecordError (bad CSV quoting), errors from
// the Source and ctx, and fn's error unchanged. On error the batch must be
// discarded.
func (r *Reader) ReadBatch(ctx context.Context, fn func(rec []byte, offsetBytes int64) error) (Batch, error) {
	if err := ctx.Err(); err != nil {
		return Batch{}, err
	}
	r.buf.ctx = ctx
	defer func() { r.buf.ctx = nil }()
	b := Batch{StartBytes: r.cursor}
	if !r.synced {
		if err := r.sync(); err != nil {
			return b, err
		}
		r.synced = true
	}
	b.FirstRecordBytes = r.cursor
	limit := min(r.cursor+r.batch, r.rng.End)
	pos := r.cursor
	for pos < r.size && (pos < limit || r.ownFirst) {
		end, next, err := r.recordEnd(pos)
		if err != nil {
			return b, err
		}
		r.ownFirst = false
		if rec := r.buf.slice(pos, end); !r.skip(rec) {
			b.Records++
			if err := fn(rec, pos); err != nil {
				return b, err
			}
		}
		pos = next
	}
	r.cursor = pos
	b.NextBytes = pos
	b.Bytes = pos - b.StartBytes
	b.Done = pos >= r.rng.End || pos >= r.size
	return b, nil
}

// skip reports whether a line is not a record: empty CSV lines and
// whitespace-only JSONL lines.
func (r *Reader) skip(rec []byte) bool {
	switch r.kind {
	case CSV:
		return len(rec) == 0
	case JSONL:
		for _, c := range rec {
			if c != ' ' && c != '\t' && c != '\r' {
				return false
			}
		}
		return true
	}
	return false
}

// recordEnd returns the end of the record starting at start (excluding its
// terminator) and the start of the next line.
func (r *Reader) recordEnd(start int64) (end, next int64, err error) {
	if r.kind == CSV {
		return r.csvEnd(start)
	}
	return r.lineEnd(start)
}
