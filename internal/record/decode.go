package record

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/batonrun/baton/internal/value"
)

// Column selects one field of a record. CSV: Index is the 0-based field
// index (shown to users as _1, _2, ...). Lines: Index 0 is the whole line.
// JSONL: Path is the chain of object keys from the top-level object.
type Column struct {
	Index int
	Path  []string
}

// Decoder turns records into the values of a fixed list of columns. A CSV
// record is parsed only up to the highest requested field. A Decoder is not
// safe for concurrent use; use one per goroutine.
type Decoder struct {
	kind   Kind
	csv    csvFields
	fields int     // CSV: the field count every record must have; 0 for any
	maxIdx int     // highest CSV field index requested, -1 for none
	slots  [][]int // CSV: the slots each field index fills
	delims []byte  // CSV: the delimiter, for bytes.Count
	js     jsonState
	row    Row
}

// Row is the decoded values of one record, by column slot. Its Text
// values may alias the record bytes passed to Decode (no copy per field):
// they are valid only until the next Decode and while the record's bytes
// are unchanged. To keep a value longer, keep value.Value.Clone().
type Row struct {
	vals []value.Value
	// A CSV record without quotes, or a line, keeps its fields as byte
	// spans of rec (plain true), which is cheaper to fill than a Value per
	// field. With emptyNull an empty span is Null (an empty unquoted CSV
	// field), else Text "" (an empty line).
	plain, emptyNull bool
	rec              []byte
	spans            []span
}

// span is a field's bytes rec[start:end].
type span struct{ start, end int }

// Value returns the value of cols[slot] as passed to NewDecoder.
func (r *Row) Value(slot int) value.Value {
	if !r.plain {
		return r.vals[slot]
	}
	sp := r.spans[slot]
	if sp.start == sp.end && r.emptyNull {
		return value.NullValue
	}
	return value.FromText(alias(r.rec[sp.start:sp.end]))
}

// Text returns the string of cols[slot]'s value and true when it is Text,
// else "" and false. Like Value, the string may alias the record.
func (r *Row) Text(slot int) (string, bool) {
	if r.plain {
		sp := r.spans[slot]
		return alias(r.rec[sp.start:sp.end]), sp.start != sp.end || !r.emptyNull
	}
	if v := &r.vals[slot]; v.Kind == value.Text {
		return v.S, true
	}
	return "", false
}

// Scalar returns the fields of cols[slot]'s value, as Value would hold
// them (see value.Value), without building the Value: reading a 40-byte
// Value through an interface per record cost more than decoding a JSON
// number. Like Value, the string may alias the record.
func (r *Row) Scalar(slot int) (kind value.Kind, i int64, f float64, s string) {
	if r.plain {
		sp := r.spans[slot]
		if sp.start == sp.end && r.emptyNull {
			return value.Null, 0, 0, ""
		}
		return value.Text, 0, 0, alias(r.rec[sp.start:sp.end])
	}
	v := &r.vals[slot]
	return v.Kind, v.I, v.F, v.S
}

// Len returns the number of columns.
func (r *Row) Len() int { return len(r.vals) }

// NewDecoder returns a decoder for cols in format f. It returns the joined
// problems with f and cols: a negative CSV index, a lines index other than
// 0, a JSONL column without a path.
func NewDecoder(f Format, cols []Column) (*Decoder, error) {
	errs := []error{f.Validate()}
	d := &Decoder{kind: f.Kind, csv: csvFields{delim: f.delim()}, fields: f.Fields, maxIdx: -1,
		row: Row{vals: make([]value.Value, len(cols)), spans: make([]span, len(cols))}}
	for slot, c := range cols {
		switch {
		case f.Kind == CSV && c.Index < 0:
			errs = append(errs, fmt.Errorf("column %d: field index %d is negative", slot, c.Index))
		case f.Kind == Lines && c.Index != 0:
			errs = append(errs, fmt.Errorf("column %d: lines have one field (index 0), not index %d", slot, c.Index))
		case f.Kind == JSONL && len(c.Path) == 0:
			errs = append(errs, fmt.Errorf("column %d: a JSON Lines column needs a path", slot))
		case f.Kind == CSV:
			d.maxIdx = max(d.maxIdx, c.Index)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	switch f.Kind {
	case CSV:
		d.slots = make([][]int, d.maxIdx+1)
		d.delims = []byte{d.csv.delim}
		for slot, c := range cols {
			d.slots[c.Index] = append(d.slots[c.Index], slot)
		}
	case JSONL:
		d.js = newJSONState(cols)
	}
	return d, nil
}

// Decode decodes rec (a record as the Reader passes it) whose first byte is
// at offsetBytes in the object. The Row, and its Text values, are valid
// until the next Decode (see Row).
// Errors are *RecordError, whose Reason never holds record contents: bad CSV
// quoting, a CSV record with too few fields for a column or, when
// Format.Fields is set, a field count other than Fields; invalid JSON or a
// JSON value that is not an object; a text value the query reads (a CSV
// field, a JSON string, a line) that is not valid UTF-8. Each is a bad
// record: the caller may skip it and go on with the next.
//
// Typing follows package value: CSV fields are Text, an empty unquoted one
// Null; a line is Text; JSON keeps its types (see decodeJSON).
func (d *Decoder) Decode(rec []byte, offsetBytes int64) (*Row, error) {
	d.row.plain = false
	var err error
	switch d.kind {
	case CSV:
		err = d.decodeCSV(rec, offsetBytes)
	case JSONL:
		err = d.decodeJSON(rec, offsetBytes)
	default:
		if len(d.row.vals) > 0 {
			if !utf8.Valid(rec) {
				return nil, &RecordError{OffsetBytes: offsetBytes, Reason: "line is not valid UTF-8"}
			}
			for i := range d.row.spans {
				d.row.spans[i] = span{0, len(rec)}
			}
			d.row.plain, d.row.emptyNull, d.row.rec = true, false, rec
		}
	}
	if err != nil {
		return nil, err
	}
	return &d.row, nil
}

func (d *Decoder) decodeCSV(rec []byte, off int64) error {
	if plain, err := d.decodePlainCSV(rec, off); plain {
		return err
	}
	i := 0
	last := max(d.maxIdx, d.fields-1)
	for field := 0; field <= last; field++ {
		if i < 0 {
			if d.fields > 0 {
				return fieldCountError(off, field, d.fields)
			}
			return &RecordError{OffsetBytes: off, Reason: fmt.Sprintf(
				"has %d fields, column _%d needs %d", field, d.maxIdx+1, d.maxIdx+1)}
		}
		f, quoted, next, err := d.csv.next(rec, i, off)
		if err != nil {
			return err
		}
		if field <= d.maxIdx && len(d.slots[field]) > 0 {
			slots := d.slots[field]
			if !utf8.Valid(f) {
				return &RecordError{OffsetBytes: off, Reason: fmt.Sprintf("field _%d is not valid UTF-8", field+1)}
			}
			v := value.NullValue
			if quoted || len(f) > 0 {
				v = value.FromText(string(f)) // a quoted field is in scratch, reused by the next one
			}
			for _, s := range slots {
				d.row.vals[s] = v
			}
		}
		i = next
	}
	if d.fields > 0 && i >= 0 {
		n := d.fields
		for ; i >= 0; n++ { // count the extra fields, for the message
			_, _, next, err := d.csv.next(rec, i, off)
			if err != nil {
				return err
			}
			i = next
		}
		return fieldCountError(off, n, d.fields)
	}
	return nil
}

func fieldCountError(off int64, got, want int) error {
	noun := "fields"
	if got == 1 {
		noun = "field"
	}
	return &RecordError{OffsetBytes: off, Reason: fmt.Sprintf("has %d %s, want %d", got, noun, want)}
}
