package record

import (
	"bytes"
	"fmt"
	"unicode/utf8"
	"unsafe"
)

// decodePlainCSV decodes a CSV record in one pass over its bytes, which
// also counts the fields (for short fields a byte loop costs fewer
// instructions than an IndexByte call per field), as long as it meets no
// '"': then plain is false and the general path in decodeCSV decodes the
// record. A quote after the last field read (when the field count is not
// checked) is not seen, and needs not be: it cannot move the fields read.
// The Row keeps spans of rec (see Row). Errors and values are those of the
// general path.
func (d *Decoder) decodePlainCSV(rec []byte, off int64) (plain bool, err error) {
	delim, last := d.csv.delim, d.maxIdx
	if d.fields > 0 {
		last = d.fields // count every field
	}
	field, from := 0, 0
	for k, c := range rec {
		if c != delim {
			if c == '"' {
				return false, nil
			}
			continue
		}
		if field <= d.maxIdx && len(d.slots[field]) > 0 {
			if err := d.setPlain(field, rec, from, k, off); err != nil {
				return true, err
			}
		}
		field, from = field+1, k+1
		if field > last {
			break
		}
	}
	if field <= d.maxIdx && len(d.slots[field]) > 0 {
		if err := d.setPlain(field, rec, from, len(rec), off); err != nil {
			return true, err
		}
	}
	n := field + 1 // fields seen (the last one has no delimiter after it)
	switch {
	case d.fields > 0 && n != d.fields:
		if n > d.fields {
			n += bytes.Count(rec[from:], d.delims) // the message counts them all
		}
		return true, fieldCountError(off, n, d.fields)
	case n <= d.maxIdx:
		return true, &RecordError{OffsetBytes: off, Reason: fmt.Sprintf(
			"has %d fields, column _%d needs %d", n, d.maxIdx+1, d.maxIdx+1)}
	}
	d.row.plain, d.row.emptyNull, d.row.rec = true, true, rec
	return true, nil
}

// setPlain stores unquoted field f = rec[from:to] (field index field) in
// its slots as a span: Null when empty, else Text.
func (d *Decoder) setPlain(field int, rec []byte, from, to int, off int64) error {
	if !validText(rec[from:to]) {
		return &RecordError{OffsetBytes: off, Reason: fmt.Sprintf("field _%d is not valid UTF-8", field+1)}
	}
	for _, s := range d.slots[field] {
		d.row.spans[s] = span{from, to}
	}
	return nil
}

// validText is utf8.Valid with a quicker answer for short ASCII fields.
func validText(f []byte) bool {
	for _, c := range f {
		if c >= utf8.RuneSelf {
			return utf8.Valid(f)
		}
	}
	return true
}

// alias returns b's bytes as a string without copying. The string is valid
// only while b is unchanged: Row values made with it last until the next
// Decode (see Row), and whoever keeps one clones it (value.Value.Clone).
func alias(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}
