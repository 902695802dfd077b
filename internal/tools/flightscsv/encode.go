package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/parquet-go/parquet-go"
)

// timeLayout renders timestamps; fractional seconds appear only when
// non-zero, without trailing zeros.
const timeLayout = "2006-01-02 15:04:05.999999999"

// encoder renders rows of a flat Parquet schema as CSV or JSON Lines. It is
// not safe for concurrent use (it caches the last timestamp rendered).
type encoder struct {
	format Format
	cols   []column
	vals   []parquet.Value // scratch, indexed like cols

	lastTick int64 // cache: the last timestamp rendered and its text
	lastTime []byte
}

// appendRow appends one encoded line, ending in '\n', for row to dst.
func (e *encoder) appendRow(dst []byte, row parquet.Row) ([]byte, error) {
	if err := e.pick(row); err != nil {
		return dst, err
	}
	for i, c := range e.cols {
		var err error
		if e.format == FormatJSONL {
			dst, err = e.appendJSONField(dst, i, c)
		} else {
			dst = e.appendCSVField(dst, i, c)
		}
		if err != nil {
			return dst, err
		}
	}
	if e.format == FormatJSONL {
		dst = append(dst, '}')
	}
	return append(dst, '\n'), nil
}

// pick copies the row's values of the output columns into e.vals.
func (e *encoder) pick(row parquet.Row) error {
	if e.vals == nil {
		e.vals = make([]parquet.Value, len(e.cols))
	}
	found := 0
	for _, v := range row {
		for i, c := range e.cols {
			if v.Column() == c.index {
				e.vals[i] = v
				found++
			}
		}
	}
	if found != len(e.cols) {
		return fmt.Errorf("row has %d of the %d output columns", found, len(e.cols))
	}
	return nil
}

func (e *encoder) appendCSVField(dst []byte, i int, c column) []byte {
	if i > 0 {
		dst = append(dst, ',')
	}
	v := e.vals[i]
	if v.IsNull() {
		return dst
	}
	if c.kind == kindString {
		return appendCSVString(dst, v.ByteArray())
	}
	return e.appendScalar(dst, v, c)
}

func (e *encoder) appendJSONField(dst []byte, i int, c column) ([]byte, error) {
	if i == 0 {
		dst = append(dst, '{')
	} else {
		dst = append(dst, ',')
	}
	dst = append(append(append(dst, '"'), c.name...), `":`...)
	v := e.vals[i]
	switch {
	case v.IsNull():
		return append(dst, "null"...), nil
	case c.kind == kindString:
		return appendJSONString(dst, v.ByteArray(), c.name)
	case c.kind == kindTimestamp:
		return append(e.appendScalar(append(dst, '"'), v, c), '"'), nil
	}
	return e.appendScalar(dst, v, c), nil
}

// appendScalar renders an integer or timestamp value, which never needs
// quoting in CSV.
func (e *encoder) appendScalar(dst []byte, v parquet.Value, c column) []byte {
	switch {
	case c.kind == kindTimestamp:
		return append(dst, e.timeText(v.Int64(), c.unit)...)
	case v.Kind() == parquet.Int32:
		return strconv.AppendInt(dst, int64(v.Int32()), 10)
	}
	return strconv.AppendInt(dst, v.Int64(), 10)
}

// timeText renders ticks of unit since the Unix epoch as UTC wall-clock time.
func (e *encoder) timeText(ticks int64, unit time.Duration) []byte {
	if e.lastTime != nil && ticks == e.lastTick {
		return e.lastTime
	}
	var t time.Time
	switch unit {
	case time.Millisecond:
		t = time.UnixMilli(ticks)
	case time.Microsecond:
		t = time.UnixMicro(ticks)
	default:
		t = time.Unix(0, ticks*int64(unit))
	}
	e.lastTick, e.lastTime = ticks, t.UTC().AppendFormat(e.lastTime[:0], timeLayout)
	return e.lastTime
}

// appendCSVString appends s as one RFC 4180 field, quoted when it holds a
// comma, quote, CR or LF, starts with white space, or is `\.` (the same
// rule as encoding/csv, so readers that trim spaces keep them).
func appendCSVString(dst, s []byte) []byte {
	if !csvNeedsQuotes(s) {
		return append(dst, s...)
	}
	dst = append(dst, '"')
	for _, b := range s {
		if b == '"' {
			dst = append(dst, '"')
		}
		dst = append(dst, b)
	}
	return append(dst, '"')
}

func csvNeedsQuotes(s []byte) bool {
	if len(s) == 0 {
		return false
	}
	if string(s) == `\.` {
		return true
	}
	for _, b := range s {
		if b == ',' || b == '"' || b == '\r' || b == '\n' {
			return true
		}
	}
	r, _ := utf8.DecodeRune(s)
	return unicode.IsSpace(r)
}

// appendJSONString appends s as a JSON string. Plain printable ASCII is
// copied; anything else goes through encoding/json. Invalid UTF-8 is an
// error rather than a silent U+FFFD.
func appendJSONString(dst, s []byte, col string) ([]byte, error) {
	if jsonPlain(s) {
		return append(append(append(dst, '"'), s...), '"'), nil
	}
	if !utf8.Valid(s) {
		return dst, fmt.Errorf("column %q: invalid UTF-8 in %q", col, s)
	}
	q, err := json.Marshal(string(s))
	if err != nil {
		return dst, fmt.Errorf("column %q: %w", col, err)
	}
	return append(dst, q...), nil
}

// jsonPlain reports whether s needs no escaping by encoding/json's rules
// (which also escape <, > and &).
func jsonPlain(s []byte) bool {
	for _, b := range s {
		if b < 0x20 || b >= 0x7f || b == '"' || b == '\\' || b == '<' || b == '>' || b == '&' {
			return false
		}
	}
	return true
}
