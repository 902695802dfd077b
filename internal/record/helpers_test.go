package record

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
)

// memSource serves ranged reads of an in-memory object. It returns slices of
// data itself (a shared buffer), so tests can check the reader never writes
// to it, and it records the reads asked for.
type memSource struct {
	data   []byte
	reads  []Range
	reread bool // readers of it set ReaderOptions.Reread (see readRange)
}

func (m *memSource) ReadRange(_ context.Context, off, n int64) ([]byte, error) {
	if off < 0 || n < 0 || off > int64(len(m.data)) {
		return nil, fmt.Errorf("memSource: bad read at %d of %d bytes (size %d)", off, n, len(m.data))
	}
	end := min(off+n, int64(len(m.data)))
	m.reads = append(m.reads, Range{off, end})
	return m.data[off:end:end], nil
}

// rec is one record as a test collects it: a copy of its bytes and its offset.
type rec struct {
	Off  int64
	Data string
}

// hopPlan decides, after each batch, whether the next batch runs in a fresh
// Reader resumed from the checkpoint (as a new invocation would).
type hopPlan func() bool

// readRange reads one range to the end, batch by batch.
func readRange(src Source, f Format, size int64, rg Range, batch int64, hop hopPlan) ([]rec, Boundary, error) {
	ctx := context.Background()
	bd := Boundary{Range: rg}
	var out []rec
	collect := func(b []byte, off int64) error {
		out = append(out, rec{off, string(b)})
		return nil
	}
	o := ReaderOptions{Format: f, ObjectSizeBytes: size, Range: rg, Cursor: rg.Offset, BatchSizeBytes: batch}
	if m, ok := src.(*memSource); ok {
		o.Reread = m.reread
	}
	r, err := NewReader(src, o)
	if err != nil {
		return nil, bd, err
	}
	for first := true; ; first = false {
		b, err := r.ReadBatch(ctx, collect)
		if err != nil {
			return out, bd, err
		}
		if first {
			bd.FirstRecordBytes = b.FirstRecordBytes
		}
		if b.Done {
			bd.NextRecordBytes = b.NextBytes
			return out, bd, nil
		}
		if b.NextBytes <= b.StartBytes {
			return out, bd, fmt.Errorf("no progress at %d", b.StartBytes)
		}
		if hop != nil && hop() {
			o.Cursor, o.Synced = b.NextBytes, true
			if r, err = NewReader(src, o); err != nil {
				return out, bd, err
			}
		}
	}
}

// readSplit reads the object as consecutive ranges of rangeSize bytes and
// returns all records in order, the boundaries, and the first error. It
// reads the object twice, copying reads and re-reading (ReaderOptions.
// Reread), and returns an error when the two differ in anything.
func readSplit(data []byte, f Format, rangeSize, batch int64, hop hopPlan) ([]rec, []Boundary, error) {
	recs, bs, err := readSplitWith(&memSource{data: data}, f, rangeSize, batch, hop)
	again, bsAgain, errAgain := readSplitWith(&memSource{data: data, reread: true}, f, rangeSize, batch, hop)
	if fmt.Sprint(recs, bs, err) != fmt.Sprint(again, bsAgain, errAgain) {
		return nil, nil, fmt.Errorf("re-reading reader differs: %v %v %v, copying %v %v %v",
			again, bsAgain, errAgain, recs, bs, err)
	}
	return recs, bs, err
}

func readSplitWith(src *memSource, f Format, rangeSize, batch int64, hop hopPlan) ([]rec, []Boundary, error) {
	size := int64(len(src.data))
	var all []rec
	var bs []Boundary
	for off := int64(0); off < size || off == 0; off += rangeSize {
		rg := Range{off, min(off+rangeSize, size)}
		recs, bd, err := readRange(src, f, size, rg, batch, hop)
		if err != nil {
			return all, bs, fmt.Errorf("range [%d, %d): %w", rg.Offset, rg.End, err)
		}
		all = append(all, recs...)
		bs = append(bs, bd)
		if size == 0 {
			break
		}
	}
	return all, bs, nil
}

// refLines is the lines reference: bytes.Split on '\n', no final empty piece
// when the data ends with '\n', one trailing '\r' dropped, BOM skipped.
func refLines(data []byte) []rec {
	var out []rec
	off := int64(0)
	if bytes.HasPrefix(data, bom) {
		off = 3
	}
	rest := data[off:]
	if len(rest) == 0 {
		return nil
	}
	parts := bytes.Split(rest, []byte("\n"))
	if len(parts[len(parts)-1]) == 0 {
		parts = parts[:len(parts)-1]
	}
	for _, p := range parts {
		out = append(out, rec{off, string(bytes.TrimSuffix(p, []byte("\r")))})
		off += int64(len(p)) + 1
	}
	return out
}

// refCSV parses the whole object with encoding/csv (strict quotes, variable
// field counts), after skipping a BOM; with header it drops the first line
// (an empty one, which encoding/csv skips, or the first record).
func refCSV(data []byte, delim byte, header bool) ([][]string, error) {
	data = bytes.TrimPrefix(data, bom)
	emptyHeader := header && (bytes.HasPrefix(data, []byte("\n")) || bytes.HasPrefix(data, []byte("\r\n")))
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.Comma = rune(delim)
	cr.ReuseRecord = false
	var out [][]string
	for {
		r, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if header && !emptyHeader && len(out) > 0 {
		out = out[1:]
	}
	return out, nil
}

// fieldsOf parses each record with ParseCSVRecord.
func fieldsOf(recs []rec, delim byte) ([][]string, error) {
	var out [][]string
	for _, r := range recs {
		f, err := ParseCSVRecord([]byte(r.Data), delim)
		if err != nil {
			return nil, fmt.Errorf("record at %d: %w", r.Off, err)
		}
		out = append(out, f)
	}
	return out, nil
}

// randomHops returns a hopPlan that hops with probability p.
func randomHops(rnd *rand.Rand, p float64) hopPlan {
	return func() bool { return rnd.Float64() < p }
}
