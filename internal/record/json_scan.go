package record

import (
	"encoding/binary"
	"fmt"
	"math/bits"
)

// The functions in this file validate JSON text by RFC 8259's grammar
// while they find where a string, a number, a literal or a nested value
// ends: one pass over the bytes, no recursion, nothing allocated unless
// the text is invalid. As in encoding/json, bytes of strings are not
// checked for UTF-8 here (decodeJSON checks the values it reads), and
// nesting deeper than MaxJSONDepth is an error.
//
// Validating JSON Lines records is part of finding records and their
// fields, Baton's core (see decodeJSON). The tests compare every result
// with encoding/json (json_ref_test.go).

// jsonSyntaxError is invalid JSON: At is the index in the record of the
// byte where the text stopped being JSON (len(record) when it ended
// early), What describes it.
type jsonSyntaxError struct {
	At   int
	What string
}

func (e *jsonSyntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at byte %d of the record: %s", e.At, e.What)
}

// jsonDepthError is nesting deeper than MaxJSONDepth.
type jsonDepthError struct{ At int }

func (e *jsonDepthError) Error() string {
	return fmt.Sprintf("JSON nested deeper than %d levels at byte %d of the record", MaxJSONDepth, e.At)
}

// jsonBad returns the syntax error for b[i]: want names what the grammar
// allows there.
func jsonBad(b []byte, i int, want string) error {
	if i >= len(b) {
		return &jsonSyntaxError{At: len(b), What: "the record ends; want " + want}
	}
	return &jsonSyntaxError{At: i, What: "found " + jsonByteClass(b[i]) + "; want " + want}
}

// jsonByteClass names the byte c for a message: the byte itself when it
// is JSON punctuation, else its class, so that a message never quotes a
// record's contents.
func jsonByteClass(c byte) string {
	switch {
	case c < 0x20 || c == 0x7f:
		return fmt.Sprintf("control byte %#02x", c)
	case c >= 0x80:
		return "a non-ASCII byte"
	case c-'0' < 10:
		return "a digit"
	case (c|0x20)-'a' < 26:
		return "a letter"
	case c == ' ':
		return "a space"
	}
	return fmt.Sprintf("'%c'", c)
}

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

// jsonDigitsEnd returns the index of the first byte at or after j that is
// not a decimal digit.
func jsonDigitsEnd(b []byte, j int) int {
	for j < len(b) && b[j]-'0' < 10 {
		j++
	}
	return j
}

// jsonNonDigits returns a mask whose lowest set bit is the high bit of
// the first byte of w (little-endian) that is not an ASCII digit; zero
// when all eight are digits. Bits above the first are not exact.
func jsonNonDigits(w uint64) uint64 {
	above := w + jsonOnes*(0x80-'9'-1) // high bit set from '9'+1 up
	below := w - jsonOnes*'0'          // high bit set below '0'
	return (above | below | w) & jsonHighs
}

// jsonDigitsValue returns the value of the eight ASCII digits in w, the
// first digit in the lowest byte; zero bytes read as leading zeros. It is
// simdjson's scalar parse_eight_digits_unrolled: three multiplies that
// combine digits into pairs, pairs into quads, quads into the value.
func jsonDigitsValue(w uint64) uint64 {
	w = (w & 0x0F0F0F0F0F0F0F0F) * (10<<8 + 1) >> 8
	w = (w & 0x00FF00FF00FF00FF) * (100<<16 + 1) >> 16
	return (w & 0x0000FFFF0000FFFF) * (10000<<32 + 1) >> 32
}

// jsonNumberEnd validates the number that starts at b[i],
// -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, and returns its end. For
// an integer literal of at most 18 digits (one that always fits int64) it
// also returns the value, with short true, when value is true; the caller
// types the others.
func jsonNumberEnd(b []byte, i int, value bool) (end int, iv int64, short bool, err error) {
	j := i
	if j < len(b) && b[j] == '-' {
		j++
	}
	first := j
	switch {
	case j < len(b) && b[j] == '0':
		j++
	case j < len(b) && b[j]-'1' < 9:
		if j+8 <= len(b) {
			w := binary.LittleEndian.Uint64(b[j:])
			if m := jsonNonDigits(w); m != 0 { // fewer than 8 digits: no loop
				n := bits.TrailingZeros64(m) / 8
				if value {
					iv = int64(jsonDigitsValue(w << (64 - 8*n)))
				}
				j += n
				break
			}
		}
		for ; j < len(b) && b[j]-'0' < 10; j++ {
			iv = iv*10 + int64(b[j]-'0') // wraps past 18 digits; short is false then
		}
	default:
		return 0, 0, false, jsonBad(b, j, "a value")
	}
	short = j-first <= 18
	if first > i {
		iv = -iv
	}
	if j < len(b) && b[j] == '.' {
		k := jsonDigitsEnd(b, j+1)
		if k == j+1 {
			return 0, 0, false, jsonBad(b, k, "a digit after '.'")
		}
		j, short = k, false
	}
	if j < len(b) && b[j]|0x20 == 'e' {
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		k := jsonDigitsEnd(b, j)
		if k == j {
			return 0, 0, false, jsonBad(b, j, "a digit of an exponent")
		}
		j, short = k, false
	}
	return j, iv, short, nil
}

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

// jsonNestedEnd validates the object or array that starts at b[i], which
// sits inside depth enclosing containers, and returns the index just past
// it. stack is scratch space for the closers still owed; it returns it for
// reuse.
func jsonNestedEnd(b []byte, i, depth int, stack []byte) (int, []byte, error) {
	stack = stack[:0]
	for {
		// A value starts at b[i].
		if c := b[i]; c == '{' || c == '[' {
			if depth+len(stack) >= MaxJSONDepth {
				return 0, stack, &jsonDepthError{At: i}
			}
			stack = append(stack, c+2) // '}' is '{'+2, ']' is '['+2
			i = jsonSkipWS(b, i+1)
			if i < len(b) && b[i] == c+2 { // empty
				stack = stack[:len(stack)-1]
				if i++; len(stack) == 0 {
					return i, stack, nil
				}
			} else {
				var err error
				if i, err = jsonMemberStart(b, i, c+2); err != nil {
					return 0, stack, err
				}
				continue
			}
		} else {
			end, _, err := jsonScalarEnd(b, i)
			if err != nil {
				return 0, stack, err
			}
			i = end
		}
		// A value ended just before b[i]: close containers, then find the next value.
		var err error
		if i, stack, err = jsonNextValue(b, i, stack); err != nil || len(stack) == 0 {
			return i, stack, err
		}
	}
}

// jsonNextValue follows the value that ended just before b[i] inside the
// containers whose closers are on stack: it pops each container that
// closes and returns the start of the next value, or the index just past
// the last closer once the stack is empty.
func jsonNextValue(b []byte, i int, stack []byte) (int, []byte, error) {
	for {
		closer := stack[len(stack)-1]
		i = jsonSkipWS(b, i)
		switch {
		case i < len(b) && b[i] == closer:
			stack = stack[:len(stack)-1]
			i++
			if len(stack) == 0 {
				return i, stack, nil
			}
		case i < len(b) && b[i] == ',':
			i, err := jsonMemberStart(b, jsonSkipWS(b, i+1), closer)
			return i, stack, err
		default:
			return 0, stack, jsonBad(b, i, fmt.Sprintf("',' or '%c'", closer))
		}
	}
}

// jsonMemberStart returns the start of the value of the member or element
// that begins at b[i] in a container closed by closer: for an object it
// validates the key and the ':' after it.
func jsonMemberStart(b []byte, i int, closer byte) (int, error) {
	if closer == ']' {
		if i >= len(b) {
			return 0, jsonBad(b, i, "a value")
		}
		return i, nil
	}
	if i >= len(b) || b[i] != '"' {
		return 0, jsonBad(b, i, "a key")
	}
	end, _, err := jsonStringEnd(b, i)
	if err != nil {
		return 0, err
	}
	if end, err = jsonColon(b, end); err != nil {
		return 0, err
	}
	if end = jsonValueStart(b, end); end >= len(b) {
		return 0, jsonBad(b, end, "a value")
	}
	return end, nil
}

// jsonColon expects optional whitespace and ':' at b[i] (after a key)
// and returns the index just past the ':'.
func jsonColon(b []byte, i int) (int, error) {
	if i < len(b) && b[i] == ':' {
		return i + 1, nil
	}
	if i = jsonSkipWS(b, i); i < len(b) && b[i] == ':' {
		return i + 1, nil
	}
	return 0, jsonBad(b, i, "':' after a key")
}

// jsonValueStart returns the index of the first byte at or after i that
// is not whitespace (the start of a value, or len(b)).
func jsonValueStart(b []byte, i int) int {
	if i < len(b) && b[i] > ' ' {
		return i
	}
	return jsonSkipWS(b, i)
}
