package record

import (
	"context"
	"errors"
	"fmt"
)

// Peek returns the object's bytes from the cursor on, at least n of them
// unless the object ends first, read into the reader's window the way
// ReadBatch reads (contiguous reads from where the last one ended, so a
// store's read-ahead still lines up). start is the cursor. Other readers
// may read records out of b (e.g. one per span of a batch scanned in
// parallel); b is valid, and must not be modified, until the reader's
// next ReadBatch, Peek or SkipTo. The reader must be synced: Peek after a
// ReadBatch. Errors are the Source's and ctx's.
func (r *Reader) Peek(ctx context.Context, n int64) (start int64, b []byte, err error) {
	if !r.synced {
		return 0, nil, errors.New("peek before the reader synced")
	}
	r.buf.ctx = ctx
	defer func() { r.buf.ctx = nil }()
	want := min(r.cursor+n, r.size)
	for r.buf.end() < want {
		ok, err := r.buf.fill(r.cursor, want-r.buf.end())
		if err != nil {
			return 0, nil, err
		}
		if !ok {
			break
		}
	}
	if r.buf.off > r.cursor { // the window only starts past the cursor after a fill kept nothing before it
		return 0, nil, fmt.Errorf("peek: window starts at %d, after the cursor %d", r.buf.off, r.cursor)
	}
	return r.cursor, r.buf.slice(r.cursor, r.buf.end()), nil
}

// SkipTo moves the cursor forward to next, which must be a true record start
// of this range (the NextBytes of a Batch read, by any reader, from a true
// record start): records before it are not read again.
func (r *Reader) SkipTo(next int64) error {
	if !r.synced || next < r.cursor || next > r.size {
		return fmt.Errorf("skip to %d: want a synced reader and a cursor in [%d, %d]", next, r.cursor, r.size)
	}
	r.cursor = next
	return nil
}
