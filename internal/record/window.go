package record

import (
	"context"
	"fmt"
)

// window holds a contiguous run of the object's bytes, [off, off+len(data)),
// read through the Source in chunks. Without reread it owns data: the bytes
// are copied out of the Source's possibly shared buffers. With reread, data
// is the Source's slice itself and is never written.
type window struct {
	ctx    context.Context
	src    Source
	size   int64 // object size in bytes
	off    int64 // object offset of data[0]
	data   []byte
	reread bool // see ReaderOptions.Reread
}

// end returns the object offset just past the buffered bytes.
func (w *window) end() int64 { return w.off + int64(len(w.data)) }

// slice returns the buffered bytes [from, to); both must be buffered.
func (w *window) slice(from, to int64) []byte { return w.data[from-w.off : to-w.off] }

// at returns the buffered byte at object offset p.
func (w *window) at(p int64) byte { return w.data[p-w.off] }

// fill drops the bytes before keep and makes the window reach at least n
// bytes further (past keep when keep is beyond it). It returns false, with
// nothing read, at the end of the object.
func (w *window) fill(keep, n int64) (bool, error) {
	if w.reread {
		return w.refetch(keep, n)
	}
	if keep > w.end() {
		w.data, w.off = w.data[:0], keep
	} else if keep > w.off {
		k := copy(w.data, w.data[keep-w.off:])
		w.data, w.off = w.data[:k], keep
	}
	at := w.end()
	n = min(n, w.size-at)
	if n <= 0 {
		return false, nil
	}
	got, err := w.read(at, n)
	if err != nil {
		return false, err
	}
	w.data = append(w.data, got...)
	return true, nil
}

// refetch is fill with reread: one read from keep (or the window's start)
// on, so that the kept bytes, usually a partial record, are read again
// rather than copied, and the read's slice becomes the window. Each read is
// at least as long again as the bytes kept, so a record longer than many
// reads is read again only as often as its size doubles.
func (w *window) refetch(keep, n int64) (bool, error) {
	from := max(keep, w.off)
	at := max(w.end(), from)
	n = min(max(n, at-from), w.size-at)
	if n <= 0 {
		return false, nil
	}
	got, err := w.read(from, at-from+n)
	if err != nil {
		return false, err
	}
	w.data, w.off = got, from
	return true, nil
}

// read returns exactly the n bytes at off.
func (w *window) read(off, n int64) ([]byte, error) {
	got, err := w.src.ReadRange(w.ctx, off, n)
	if err != nil {
		return nil, fmt.Errorf("reading bytes [%d, %d): %w", off, off+n, err)
	}
	if int64(len(got)) != n {
		return nil, fmt.Errorf("reading bytes [%d, %d): got %d bytes, want %d (object shorter than its size?)",
			off, off+n, len(got), n)
	}
	return got, nil
}
