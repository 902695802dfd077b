package record

import (
	"encoding/binary"
	"math/bits"
)

// The functions in this file walk a JSON text that gjson.Valid has already
// accepted: they find where a string, a value or an object member ends and
// validate nothing. Where the input is not what the validator accepted they
// return -1 (never index out of range), so a disagreement between the two
// is an "invalid JSON" record, not a panic.

// jsonSkipWS returns the index of the first byte at or after i that is
// not whitespace, or len(b). Between tokens of valid JSON every byte up to
// ' ' is whitespace (space, tab, LF or CR).
func jsonSkipWS(b []byte, i int) int {
	for i < len(b) && b[i] <= ' ' {
		i++
	}
	return i
}

// jsonStringEnd returns the index just past the closing quote of the string
// whose opening quote is b[i], and whether the string holds a backslash.
// It looks at eight bytes at a time for a quote or a backslash.
func jsonStringEnd(b []byte, i int) (end int, escaped bool) {
	j := i + 1
	for {
		for j+8 <= len(b) {
			w := binary.LittleEndian.Uint64(b[j:])
			if m := jsonHasByte(w, '"') | jsonHasByte(w, '\\'); m != 0 {
				j += bits.TrailingZeros64(m) / 8
				break
			}
			j += 8
		}
		for j < len(b) && b[j] != '"' && b[j] != '\\' {
			j++
		}
		if j >= len(b) {
			return -1, escaped
		}
		if b[j] == '"' {
			return j + 1, escaped
		}
		escaped = true
		j += 2 // past the backslash and the byte it escapes
	}
}

const (
	jsonOnes  = 0x0101010101010101
	jsonHighs = 0x8080808080808080
)

// jsonHasByte returns a mask whose lowest set bit is the high bit of the first
// byte of w (little-endian) equal to c; zero when there is none. Bits above
// the first match may be wrong.
func jsonHasByte(w uint64, c byte) uint64 {
	x := w ^ (jsonOnes * uint64(c))
	return (x - jsonOnes) &^ x & jsonHighs
}

// jsonValueEnd returns the index just past the value that starts at b[i],
// and for a string whether it holds a backslash.
func jsonValueEnd(b []byte, i int) (end int, escaped bool) {
	if i < 0 || i >= len(b) {
		return -1, false
	}
	switch b[i] {
	case '"':
		return jsonStringEnd(b, i)
	case '{', '[':
		return jsonNestedEnd(b, i), false
	case 't', 'n':
		return jsonFixedEnd(b, i, 4), false
	case 'f':
		return jsonFixedEnd(b, i, 5), false
	}
	j := i // a number: it ends at whitespace, ',', '}' or ']'
	for j < len(b) && b[j] > ' ' && b[j] != ',' && b[j] != '}' && b[j] != ']' {
		j++
	}
	if j == i {
		return -1, false
	}
	return j, false
}

func jsonFixedEnd(b []byte, i, n int) int {
	if i+n > len(b) {
		return -1
	}
	return i + n
}

// jsonNestedEnd returns the index just past the object or array at b[i].
func jsonNestedEnd(b []byte, i int) int {
	depth := 0
	for j := i; j < len(b); j++ {
		switch b[j] {
		case '"':
			end, _ := jsonStringEnd(b, j)
			if end < 0 {
				return -1
			}
			j = end - 1
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return j + 1
			}
		}
	}
	return -1
}
