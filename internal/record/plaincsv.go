package record

import (
	"fmt"
	"unicode/utf8"
	"unsafe"

	"github.com/batonrun/baton/internal/value"
)

// decodePlainCSV decodes a CSV record without any '"': fields are the runs
// between delimiters, found in one pass over the record's bytes (shorter
// than IndexByte calls per field for the short fields of typical records). Values alias rec (see Row). Errors and values are those of
// the general path in decodeCSV.
func (d *Decoder) decodePlainCSV(rec []byte, off int64) error {
	delim := d.csv.delim
	field, from := 0, 0
	for i := 0; i <= len(rec); i++ {
		if i < len(rec) && rec[i] != delim {
			continue
		}
		if field <= d.maxIdx {
			if err := d.setPlain(field, rec[from:i], off); err != nil {
				return err
			}
		} else if d.fields == 0 {
			break // no count to check: the rest of the record is not read
		}
		field, from = field+1, i+1
	}
	switch {
	case d.fields > 0 && field != d.fields:
		return fieldCountError(off, field, d.fields)
	case field <= d.maxIdx:
		return &RecordError{OffsetBytes: off, Reason: fmt.Sprintf(
			"has %d fields, column _%d needs %d", field, d.maxIdx+1, d.maxIdx+1)}
	}
	return nil
}

// setPlain stores unquoted field f (field index field) in its slots: Null
// when empty, else Text aliasing f.
func (d *Decoder) setPlain(field int, f []byte, off int64) error {
	slots := d.slots[field]
	if len(slots) == 0 {
		return nil
	}
	if !utf8.Valid(f) {
		return &RecordError{OffsetBytes: off, Reason: fmt.Sprintf("field _%d is not valid UTF-8", field+1)}
	}
	v := value.NullValue
	if len(f) > 0 {
		v = value.FromText(alias(f))
	}
	for _, s := range slots {
		d.row.vals[s] = v
	}
	return nil
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
