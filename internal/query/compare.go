package query

import (
	"strings"

	"github.com/batonrun/baton/internal/value"
)

// numeric returns v as an Int or Float for arithmetic: Int and Float as is,
// Bool as 0 or 1, Text when it parses as a number. ok is false otherwise.
func numeric(v value.Value) (value.Value, bool) {
	switch v.Kind {
	case value.Int, value.Float:
		return v, true
	case value.Bool:
		return value.FromInt(v.I), true
	case value.Text:
		return value.ParseNumber(v.S)
	}
	return value.NullValue, false
}

func isNumberKind(k value.Kind) bool {
	return k == value.Int || k == value.Float || k == value.Bool
}

// compareSQL compares two non-null values by the comparison rule: when
// either side is a number (Int, Float, Bool as 0/1) and the other is a
// number or numeric Text, they compare numerically; otherwise both compare
// as strings (their String form) byte by byte. So two CSV fields (Text)
// compare as strings; CAST one side to compare numerically.
func compareSQL(a, b value.Value) int {
	if isNumberKind(a.Kind) || isNumberKind(b.Kind) {
		x, okA := numeric(a)
		y, okB := numeric(b)
		if okA && okB {
			return compareNum(x, y)
		}
	}
	return strings.Compare(a.String(), b.String())
}

func compareNum(a, b value.Value) int {
	if a.Kind == value.Int && b.Kind == value.Int {
		return cmp3(a.I < b.I, a.I > b.I)
	}
	x, y := a.Float64(), b.Float64()
	return cmp3(x < y, x > y)
}

func cmp3(lt, gt bool) int {
	switch {
	case lt:
		return -1
	case gt:
		return 1
	}
	return 0
}

// truth is SQL truthiness: known is false for NULL. Numbers are true when
// non-zero, Text when it is a non-zero number (other text is false, as in
// MySQL).
// predicate is a node that answers a WHERE test without building a Bool
// Value (test is truth(eval) without the Value's copies).
type predicate interface {
	test(e *env) (t, known bool, err error)
}

// testWhere is truth(w.eval(e)).
func testWhere(w node, e *env) (t, known bool, err error) {
	if p, ok := w.(predicate); ok {
		return p.test(e)
	}
	v, err := w.eval(e)
	if err != nil {
		return false, false, err
	}
	t, known = truth(v)
	return t, known, nil
}

func truth(v value.Value) (t, known bool) {
	switch v.Kind {
	case value.Null:
		return false, false
	case value.Bool, value.Int:
		return v.I != 0, true
	case value.Float:
		return v.F != 0, true
	}
	n, ok := value.ParseNumber(v.S)
	if !ok {
		return false, true
	}
	return n.Float64() != 0, true
}

func boolOrNull(t, known bool) value.Value {
	if !known {
		return value.NullValue
	}
	return value.FromBool(t)
}

// numberVersusText reports a comparison of a number with Text that does not
// parse as one, e.g. a CSV field "abc" in WHERE b > 2. Such a comparison has
// no right answer, so evaluating it is an error rather than a string
// comparison that would silently count the record.
func numberVersusText(a, b value.Value) bool {
	if a.Kind == value.Text && isNumberKind(b.Kind) {
		a, b = b, a
	}
	if !isNumberKind(a.Kind) || b.Kind != value.Text {
		return false
	}
	_, ok := value.ParseNumber(b.S)
	return !ok && !value.IsBigInteger(b.S) // a big integer compares as the number it is
}
