package value

import (
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

func TestParseNumber(t *testing.T) {
	for s, want := range map[string]Value{
		"12": FromInt(12), " -3 ": FromInt(-3), "9223372036854775807": FromInt(math.MaxInt64),
		"1.5": FromFloat(1.5), "-3.5e2": FromFloat(-350), ".5": FromFloat(0.5),
	} {
		got, ok := ParseNumber(s)
		if !ok || got != want {
			t.Errorf("%q: got %+v, %v; want %+v", s, got, ok, want)
		}
	}
	for _, s := range []string{"", "abc", "NaN", "Inf", "infinity", "1e400", "9223372036854775808", "-18446744073709551616", "1,5",
		"0x1p4", "0X1P-2", "1_000", "1_0.5", "0x10"} { // Go literal syntax is not a decimal number
		if v, ok := ParseNumber(s); ok {
			t.Errorf("%q parsed as %+v", s, v)
		}
	}
}

func TestCompareIsATotalOrder(t *testing.T) {
	vals := []Value{NullValue, FromInt(-1), FromText("0.5"), FromInt(1), FromFloat(1.5), FromBool(false), FromBool(true), FromText("a"), FromText("b")}
	for i := range vals {
		for j := range vals {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := Compare(vals[i], vals[j]); got != want {
				t.Errorf("Compare(%v, %v) = %d, want %d", vals[i], vals[j], got, want)
			}
		}
	}
	if Compare(FromText("12"), FromInt(12)) != 0 || FromFloat(0.1).String() != strconv.FormatFloat(0.1, 'g', -1, 64) {
		t.Error("numeric text and its number must compare equal")
	}
}

// TestParseNumberShortIntsMatchStrconv checks ParseNumber's digit fast path
// against strconv on integer-looking strings of every length around the
// 18-digit cut-off, signed and not, with stray bytes.
func TestParseNumberShortIntsMatchStrconv(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 8))
	alphabet := "0123456789-+ .eExp_aI"
	for range 200000 {
		n := rnd.IntN(22)
		b := make([]byte, n)
		for i := range b {
			if rnd.IntN(10) == 0 {
				b[i] = alphabet[rnd.IntN(len(alphabet))]
			} else {
				b[i] = '0' + byte(rnd.IntN(10))
			}
		}
		if n > 0 && rnd.IntN(3) == 0 {
			b[0] = '-'
		}
		s := string(b)
		got, ok := ParseNumber(s)
		if want, wantOK := strconvNumber(s); got != want || ok != wantOK {
			t.Fatalf("ParseNumber(%q) = %v, %v; want %v, %v", s, got, ok, want, wantOK)
		}
		trimmed := strings.TrimSpace(s)
		if want, err := strconv.ParseInt(trimmed, 10, 64); err == nil {
			if !ok || got != FromInt(want) {
				t.Fatalf("ParseNumber(%q) = %v, %v; strconv says Int %d", s, got, ok, want)
			}
			continue
		}
		if ok && got.Kind == Int {
			t.Fatalf("ParseNumber(%q) = Int %d, but strconv.ParseInt rejects it", s, got.I)
		}
	}
}

// strconvNumber is ParseNumber's rule spelled with strconv alone: an Int
// when ParseInt accepts it, nothing for an integer past int64 (digits
// only: ParseInt also reports a range error for "99999999999999999999.5",
// which is a float), else a finite Float that does not start with a letter.
func strconvNumber(s string) (Value, bool) {
	s = strings.TrimSpace(s)
	i, err := strconv.ParseInt(s, 10, 64)
	if err == nil {
		return FromInt(i), true
	}
	if errors.Is(err, strconv.ErrRange) && strings.Trim(s, "+-0123456789") == "" || s == "" {
		return NullValue, false
	}
	if c := s[0]; c != '-' && c != '+' && c != '.' && (c < '0' || c > '9') {
		return NullValue, false
	}
	if strings.ContainsAny(s, "xXpP_") { // Go literal syntax, not a decimal number
		return NullValue, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return NullValue, false
	}
	return FromFloat(f), true
}
