package record

import (
	"bytes"
	"fmt"
)

var bom = []byte{0xEF, 0xBB, 0xBF}

// more reads more of the object into the window, keeping bytes from keep on.
// Reads cover the rest of the current batch, and past it grow with the
// length of the record being scanned (from scanStart), so a long record costs
// a logarithmic number of reads. It returns false at the end of the object.
func (r *Reader) more(keep, scanStart, limit int64) (bool, error) {
	at := r.buf.end()
	n := limit - at
	if n < r.minRead {
		n = max(r.minRead, at-scanStart)
	}
	return r.buf.fill(keep, n)
}

// sync moves the cursor from Range.Offset to the first record start at or
// after it. At offset 0 it skips a BOM and, with Header, the header record.
func (r *Reader) sync() error {
	if r.rng.Offset == 0 {
		return r.syncStart()
	}
	r.buf.off, r.buf.data = r.rng.Offset-1, r.buf.data[:0]
	p := r.rng.Offset - 1
	for {
		if i := bytes.IndexByte(r.buf.data[p-r.buf.off:], '\n'); i >= 0 {
			r.cursor = p + int64(i) + 1
			return nil
		}
		p = r.buf.end()
		if p-r.rng.Offset > r.maxRec+1 {
			return &RecordTooLargeError{OffsetBytes: r.rng.Offset, LimitBytes: r.maxRec}
		}
		ok, err := r.more(p, r.rng.Offset, r.rng.Offset)
		if err != nil {
			return err
		}
		if !ok {
			r.cursor = r.size
			return nil
		}
	}
}

// syncStart skips the BOM and the header at offset 0. The header is the
// first record right after the BOM, even when it is empty: were empty lines
// before it skipped, a range starting inside them would sync to the header
// and read it as data.
func (r *Reader) syncStart() error {
	r.buf.off, r.buf.data = 0, r.buf.data[:0]
	for r.buf.end() < int64(len(bom)) {
		ok, err := r.more(0, 0, r.limit(0))
		if err != nil {
			return err
		}
		if !ok {
			break
		}
	}
	pos := int64(0)
	if bytes.HasPrefix(r.buf.data, bom) {
		pos = int64(len(bom))
	}
	if r.header && pos < r.size {
		_, next, err := r.recordEnd(pos)
		if err != nil {
			return fmt.Errorf("header: %w", err)
		}
		pos = next
	} else if !r.header {
		r.ownFirst = pos > 0 && r.rng.End > 0
	}
	r.cursor = pos
	return nil
}

// lineEnd finds the '\n' ending the line that starts at start.
func (r *Reader) lineEnd(start int64) (end, next int64, err error) {
	p := start
	for {
		if p < r.buf.end() {
			if i := bytes.IndexByte(r.buf.data[p-r.buf.off:], '\n'); i >= 0 {
				return r.finish(start, p+int64(i))
			}
		}
		p = r.buf.end()
		if p-start > r.maxRec+1 {
			return 0, 0, &RecordTooLargeError{OffsetBytes: start, LimitBytes: r.maxRec}
		}
		ok, err := r.more(start, start, r.limit(start))
		if err != nil {
			return 0, 0, err
		}
		if !ok {
			return r.finish(start, r.size)
		}
	}
}

// limit is the read target while scanning a record at start: the batch end.
func (r *Reader) limit(start int64) int64 {
	return min(max(r.cursor, start)+r.batch, r.rng.End)
}

// finish turns the terminator position nl ('\n', or the object size for an
// unterminated last record) into the record end, dropping one '\r', and
// checks the size limit.
func (r *Reader) finish(start, nl int64) (end, next int64, err error) {
	end, next = nl, nl+1
	if nl == r.size {
		next = nl
	}
	if end > start && r.buf.at(end-1) == '\r' {
		end--
	}
	if end-start > r.maxRec {
		return 0, 0, &RecordTooLargeError{OffsetBytes: start, LimitBytes: r.maxRec}
	}
	return end, next, nil
}
