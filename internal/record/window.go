package record

import (
	"context"
	"fmt"
)

// window holds a contiguous run of the object's bytes, [off, off+len(data)),
// read through the Source in chunks. It owns data (bytes are copied out of
// the Source's possibly shared buffers).
type window struct {
	ctx  context.Context
	src  Source
	size int64 // object size in bytes
	off  int64 // object offset of data[0]
	data []byte
}

// end returns the object offset just past the buffered bytes.
func (w *window) end() int64 { return w.off + int64(len(w.data)) }

// slice returns the buffered bytes [from, to); both must be buffered.
func (w *window) slice(from, to int64) []byte { return w.data[from-w.off : to-w.off] }

// at returns the buffered byte at object offset p.
func (w *window) at(p int64) byte { return w.data[p-w.off] }

// fill drops the bytes before keep and appends up to n more bytes. It
// returns false, with nothing read, at the end of the object.
func (w *window) fill(keep, n int64) (bool, error) {
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
	got, err := w.src.ReadRange(w.ctx, at, n)
	if err != nil {
		return false, fmt.Errorf("reading bytes [%d, %d): %w", at, at+n, err)
	}
	if int64(len(got)) != n {
		return false, fmt.Errorf("reading bytes [%d, %d): got %d bytes, want %d (object shorter than its size?)",
			at, at+n, len(got), n)
	}
	w.data = append(w.data, got...)
	return true, nil
}
