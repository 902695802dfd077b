package record

import (
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestJSONNumberEndMatchesStrconv: the end jsonNumberEnd finds and the
// value it returns for short integers agree with encoding/json's grammar
// and strconv, for numbers of 1 to 20 digits followed by every kind of
// byte, with and without eight bytes left in the buffer.
func TestJSONNumberEndMatchesStrconv(t *testing.T) {
	rnd := rand.New(rand.NewPCG(4, 4))
	suffixes := []string{"", ",", "}", " ", "]", "x", "\xff", "\x00", "/", ":", ".5", "e3", ".", "e", "0", "9"}
	for range 200000 {
		digits := 1 + rnd.IntN(20)
		num := []byte{byte('1' + rnd.IntN(9))}
		for range digits - 1 {
			num = append(num, byte('0'+rnd.IntN(10)))
		}
		if rnd.IntN(4) == 0 {
			num = append([]byte{'-'}, num...)
		}
		if rnd.IntN(10) == 0 {
			num = []byte{'0'}
		}
		suffix := suffixes[rnd.IntN(len(suffixes))]
		pad := []string{"", "        "}[rnd.IntN(2)]
		b := []byte(string(num) + suffix + pad)
		end, iv, short, err := jsonNumberEnd(b, 0, true)
		// The reference: the number, with a fraction or exponent suffix
		// that is complete; "." or "e" without digits is invalid.
		wantEnd := len(num)
		switch suffix {
		case ".5", "e3":
			wantEnd += 2
		case "0", "9":
			if string(num) != "0" { // a leading zero ends a number
				wantEnd++
			}
		case ".", "e":
			if err == nil {
				t.Fatalf("%q: got end %d, want an error", b, end)
			}
			continue
		}
		if err != nil || end != wantEnd || !json.Valid(b[:end]) {
			t.Fatalf("%q: end %d, err %v; want end %d", b, end, err, wantEnd)
		}
		want, perr := strconv.ParseInt(string(b[:end]), 10, 64)
		isShort := perr == nil && len(strconv.FormatInt(want, 10)) <= 18+len("-")*boolInt(want < 0)
		if short != isShort || short && iv != want {
			t.Fatalf("%q: got %d short %v; want %d short %v", b, iv, short, want, isShort)
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
