package record

import (
	"bytes"
	"fmt"
)

// csvFields parses the fields of one CSV record (the record as the Reader
// returns it, without its terminator). It reuses scratch across calls, so a
// quoted field it returns is valid only until the next call.
type csvFields struct {
	delim   byte
	scratch []byte
}

// next parses the field starting at rec[i]; off is the record's offset in
// the object, used in errors. It returns the field's contents (quotes
// removed, "" unescaped, CRLF inside quotes turned into LF as encoding/csv
// does), whether it was quoted, and the index after its delimiter, or -1 when
// the field ends the record.
func (p *csvFields) next(rec []byte, i int, off int64) (field []byte, quoted bool, next int, err error) {
	if i >= len(rec) || rec[i] != '"' {
		field, next = rec[i:], -1
		if j := bytes.IndexByte(field, p.delim); j >= 0 {
			field, next = field[:j], i+j+1
		}
		if q := bytes.IndexByte(field, '"'); q >= 0 {
			return nil, false, 0, &RecordError{OffsetBytes: off, Reason: fmt.Sprintf(
				"bare quote at byte offset %d in an unquoted field", off+int64(i+q))}
		}
		return field, false, next, nil
	}
	p.scratch = p.scratch[:0]
	for k := i + 1; ; {
		q := bytes.IndexByte(rec[k:], '"')
		if q < 0 {
			return nil, true, 0, &RecordError{OffsetBytes: off, Reason: fmt.Sprintf(
				"quoted field opened at byte offset %d is not closed", off+int64(i))}
		}
		p.scratch = append(p.scratch, rec[k:k+q]...)
		k += q + 1
		switch {
		case k < len(rec) && rec[k] == '"':
			p.scratch = append(p.scratch, '"')
			k++
			continue
		case k == len(rec):
			next = -1
		case rec[k] == p.delim:
			next = k + 1
		default:
			return nil, true, 0, &RecordError{OffsetBytes: off, Reason: fmt.Sprintf(
				"unexpected byte at offset %d after the closing quote (want delimiter or end of line)", off+int64(k))}
		}
		return crlfToLF(p.scratch), true, next, nil
	}
}

// crlfToLF replaces each "\r\n" in b with "\n", in place.
func crlfToLF(b []byte) []byte {
	if bytes.IndexByte(b, '\r') < 0 {
		return b
	}
	out := b[:0]
	for i := 0; i < len(b); i++ {
		if b[i] == '\r' && i+1 < len(b) && b[i+1] == '\n' {
			continue
		}
		out = append(out, b[i])
	}
	return out
}

// ParseCSVRecord splits one CSV record (without its terminator, as the
// Reader returns it) into its fields, using delim (0 means ','). Use it for
// header names and field counts. Errors are *RecordError with offsets
// relative to rec.
func ParseCSVRecord(rec []byte, delim byte) ([]string, error) {
	if delim == 0 {
		delim = ','
	}
	return parseCSVRecord(rec, delim, 0)
}

func parseCSVRecord(rec []byte, delim byte, off int64) ([]string, error) {
	p := csvFields{delim: delim}
	var out []string
	for i := 0; i >= 0; {
		f, _, next, err := p.next(rec, i, off)
		if err != nil {
			return nil, err
		}
		out = append(out, string(f))
		i = next
	}
	return out, nil
}
