package record

import (
	"encoding/binary"
	"math/bits"
)

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
