package record

import (
	"encoding/binary"
	"math/bits"
)

// The functions in this file, json_number.go and json_nested.go validate
// JSON text by RFC 8259's grammar while they find where a string, a
// number, a literal or a nested value ends: one pass over the bytes, no
// recursion, nothing allocated unless the text is invalid. As in encoding/json, bytes of strings are not
// checked for UTF-8 here (decodeJSON checks the values it reads), and
// nesting deeper than MaxJSONDepth is an error.
//
// Validating JSON Lines records is part of finding records and their
// fields, Baton's core (see decodeJSON). The tests compare every result
// with encoding/json (json_ref_test.go).

// jsonSkipWS returns the index of the first byte at or after i that is
// not JSON whitespace (space, tab, LF, CR), or len(b).
func jsonSkipWS(b []byte, i int) int {
	for i < len(b) && b[i] <= ' ' && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

const (
	jsonOnes  = 0x0101010101010101
	jsonHighs = 0x8080808080808080
)

// jsonStops returns a mask whose lowest set bit is the high bit of the
// first byte of w (little-endian) that ends a run of plain string bytes:
// a quote, a backslash or a control byte (below 0x20). It is zero when
// there is none; bits above the first are not exact.
func jsonStops(w uint64) uint64 {
	q := w ^ (jsonOnes * '"')
	s := w ^ (jsonOnes * '\\')
	return ((q-jsonOnes)&^q | (s-jsonOnes)&^s | (w - jsonOnes*0x20)) &^ w & jsonHighs
}

// jsonStringEnd validates the string whose opening quote is b[i] and
// returns the index just past its closing quote, and whether it holds an
// escape. It looks at eight bytes at a time.
func jsonStringEnd(b []byte, i int) (end int, escaped bool, err error) {
	j := i + 1
	for {
		if j+8 <= len(b) {
			m := jsonStops(binary.LittleEndian.Uint64(b[j:]))
			if m == 0 {
				j += 8
				continue
			}
			j += bits.TrailingZeros64(m) / 8
		} else {
			for j < len(b) && b[j] >= 0x20 && b[j] != '"' && b[j] != '\\' {
				j++
			}
			if j >= len(b) {
				return 0, false, jsonBad(b, j, `'"'`)
			}
		}
		switch c := b[j]; {
		case c == '"':
			return j + 1, escaped, nil
		case c < 0x20:
			return 0, false, &jsonSyntaxError{At: j, What: jsonByteClass(c) + " in a string"}
		}
		escaped = true
		if j, err = jsonEscapeEnd(b, j); err != nil {
			return 0, false, err
		}
	}
}

// jsonEscapeEnd validates the escape whose backslash is b[j] and returns
// the index just past it.
func jsonEscapeEnd(b []byte, j int) (int, error) {
	if j+1 >= len(b) {
		return 0, jsonBad(b, j+1, "an escape")
	}
	switch b[j+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return j + 2, nil
	case 'u':
		for k := j + 2; k < j+6; k++ {
			if k >= len(b) || !isHex(b[k]) {
				return 0, jsonBad(b, k, "a hex digit of a \\u escape")
			}
		}
		return j + 6, nil
	}
	return 0, jsonBad(b, j+1, `one of "\/bfnrtu after '\'`)
}

func isHex(c byte) bool { return c-'0' < 10 || (c|0x20)-'a' < 6 }

// jsonScalarEnd validates the string, number, true, false or null that
// starts at b[i] and returns the index just past it, and for a string
// whether it holds an escape.
func jsonScalarEnd(b []byte, i int) (end int, escaped bool, err error) {
	if i >= len(b) {
		return 0, false, jsonBad(b, i, "a value")
	}
	var lit string
	switch b[i] {
	case '"':
		return jsonStringEnd(b, i)
	case 't':
		lit = "true"
	case 'f':
		lit = "false"
	case 'n':
		lit = "null"
	default:
		end, _, _, err = jsonNumberEnd(b, i, false)
		return end, false, err
	}
	for k := 1; k < len(lit); k++ {
		if i+k >= len(b) || b[i+k] != lit[k] {
			return 0, false, jsonBad(b, i+k, "the literal "+lit)
		}
	}
	return i + len(lit), false, nil
}
