package value

import (
	"math"
	"strconv"
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
	for _, s := range []string{"", "abc", "NaN", "Inf", "infinity", "1e400", "9223372036854775808", "-18446744073709551616", "1,5"} {
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
