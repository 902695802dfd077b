// Package value is the dynamically typed scalar that flows from a decoded
// record through WHERE, GROUP BY and the aggregates into a result.
//
// Typing rules (documented for users in the README):
//   - CSV and lines fields are Text. An empty unquoted CSV field is Null.
//   - JSON Lines fields keep their JSON type: number -> Int or Float,
//     string -> Text, true/false -> Bool, null or missing -> Null. An object
//     or array is Text holding its compact JSON.
//   - Text that parses as a number (strconv rules, e.g. "12", "-3.5e2") is
//     used as that number by arithmetic, sum/avg and numeric comparisons.
//
// The zero Value is Null. Values are immutable and safe to share, except
// that a Text value's string may alias a reader's buffer (record.Row says
// when); whoever keeps such a value past the record keeps v.Clone().
package value

import (
	"math"
	"math/big"
	"strconv"
	"strings"
)

// Kind is the runtime type of a Value.
type Kind uint8

const (
	Null Kind = iota
	Bool
	Int
	Float
	Text
)

// String names the kind as error messages show it.
func (k Kind) String() string {
	switch k {
	case Null:
		return "null"
	case Bool:
		return "bool"
	case Int:
		return "int"
	case Float:
		return "float"
	case Text:
		return "text"
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Value is one scalar. Only the field matching Kind is meaningful.
type Value struct {
	Kind Kind
	I    int64   // Int, and Bool (0 or 1)
	F    float64 // Float
	S    string  // Text
}

// NullValue is the SQL NULL.
var NullValue = Value{}

// FromInt returns an Int value.
func FromInt(i int64) Value { return Value{Kind: Int, I: i} }

// FromFloat returns a Float value.
func FromFloat(f float64) Value { return Value{Kind: Float, F: f} }

// FromText returns a Text value.
func FromText(s string) Value { return Value{Kind: Text, S: s} }

// Clone returns v with its own copy of its text, for keeping a Text value
// whose string may alias a buffer that will be reused (see record.Row).
func (v Value) Clone() Value {
	if v.Kind == Text {
		v.S = strings.Clone(v.S)
	}
	return v
}

// FromBool returns a Bool value.
func FromBool(b bool) Value {
	if b {
		return Value{Kind: Bool, I: 1}
	}
	return Value{Kind: Bool}
}

// IsNull reports whether v is NULL.
func (v Value) IsNull() bool { return v.Kind == Null }

// Number returns v as a number: Int values as (i, 0, true, true),
// Float values and numeric Text as (0, f, false, true) or, when the text is an
// integer that fits int64, as an Int. ok is false for Null, Bool and
// non-numeric Text.
func (v Value) Number() (n Value, ok bool) {
	switch v.Kind {
	case Int, Float:
		return v, true
	case Text:
		return ParseNumber(v.S)
	}
	return NullValue, false
}

// ParseNumber parses s (surrounding spaces allowed) as an Int when it is a
// base-10 integer that fits int64, else as a Float. ok is false when s is not
// a number, is NaN or Inf spelled out, or is an integer past int64 (which a
// float would round: never a silently wrong number).
func ParseNumber(s string) (Value, bool) {
	k, i, f, ok := ParseNumberParts(s)
	if !ok {
		return NullValue, false
	}
	if k == Int {
		return FromInt(i), true
	}
	return FromFloat(f), true
}

// ParseNumberParts is ParseNumber without building a Value: kind is Int
// (the number is i) or Float (f); ok is false as for ParseNumber.
func ParseNumberParts(s string) (kind Kind, i int64, f float64, ok bool) {
	if i, ok := ParseShortInt(s); ok {
		return Int, i, 0, true // the common case, without strconv's generality
	}
	v, ok := parseNumber(s)
	return v.Kind, v.I, v.F, ok
}

func parseNumber(s string) (Value, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return NullValue, false
	}
	c := s[0]
	if c != '-' && c != '+' && c != '.' && (c < '0' || c > '9') {
		return NullValue, false // not a number; rejects "NaN", "Inf", "infinity"
	}
	if isInteger(s) {
		i, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return NullValue, false // past int64: as a float it would lose digits
		}
		return FromInt(i), true
	}
	if strings.Trim(s, "0123456789+-.eE") != "" {
		return NullValue, false // strconv would also take Go's "0x1p4" and "1_000"
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return NullValue, false
	}
	return FromFloat(f), true
}

// isInteger reports whether s is an optional sign and one or more ASCII
// digits: what strconv.ParseInt(s, 10, 64) accepts, range aside. Deciding
// first spares strconv's error (an allocation) for the texts that are not.
func isInteger(s string) bool {
	if s[0] == '-' || s[0] == '+' {
		s = s[1:]
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// ParseShortInt parses s when it is 1 to 18 ASCII digits after an
// optional '-' (such a number always fits int64), as strconv.ParseInt would,
// without its generality. ok is false for anything else (ParseNumber then
// handles it in full).
func ParseShortInt(s string) (i int64, ok bool) {
	digits := s
	if len(s) > 0 && s[0] == '-' {
		digits = s[1:]
	}
	if len(digits) == 0 || len(digits) > 18 {
		return 0, false
	}
	for k := 0; k < len(digits); k++ {
		c := digits[k] - '0'
		if c > 9 {
			return 0, false
		}
		i = i*10 + int64(c)
	}
	if len(digits) < len(s) {
		i = -i
	}
	return i, true
}

// Float64 returns a numeric value as float64. It panics on non-numbers; call
// Number first.
func (v Value) Float64() float64 {
	if v.Kind == Int {
		return float64(v.I)
	}
	return v.F
}

// String renders v for output: NULL as "", floats in the shortest form that
// round-trips, Bool as true/false.
func (v Value) String() string {
	switch v.Kind {
	case Int:
		return strconv.FormatInt(v.I, 10)
	case Float:
		return strconv.FormatFloat(v.F, 'g', -1, 64)
	case Text:
		return v.S
	case Bool:
		if v.I != 0 {
			return "true"
		}
		return "false"
	}
	return ""
}

// Compare orders two non-null values with one total order, used by min, max,
// ORDER BY and group keys: numbers (Int, Float and numeric Text compared by
// numeric value) < Bool (false < true) < non-numeric Text (byte order).
// Null sorts before everything. It returns -1, 0 or +1.
func Compare(a, b Value) int {
	ra, na := rank(a)
	rb, nb := rank(b)
	if ra != rb {
		if ra < rb {
			return -1
		}
		return 1
	}
	switch ra {
	case 1:
		return compareNumbers(na, nb)
	case 2:
		return cmpInt(a.I, b.I)
	case 3:
		return strings.Compare(a.S, b.S)
	}
	return 0
}

func rank(v Value) (int, Value) {
	if v.Kind == Null {
		return 0, v
	}
	if n, ok := v.Number(); ok {
		return 1, n
	}
	if v.Kind == Text && IsBigInteger(v.S) {
		return 1, v // compareNumbers compares it exactly
	}
	if v.Kind == Bool {
		return 2, v
	}
	return 3, v
}

func compareNumbers(a, b Value) int {
	if a.Kind == Int && b.Kind == Int {
		return cmpInt(a.I, b.I)
	}
	if a.Kind == Text || b.Kind == Text { // an integer past int64: compare exactly
		return bigOf(a).Cmp(bigOf(b))
	}
	x, y := a.Float64(), b.Float64()
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// IsBigInteger reports whether s (surrounding spaces allowed) is an
// integer past int64: an optionally signed run of digits that ParseNumber
// refuses, as an exact sum that overflowed is rendered (aggregate.State).
// Comparisons order such text as the number it is; arithmetic refuses it.
func IsBigInteger(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" || !isInteger(s) {
		return false // most text fails here, at its first byte
	}
	_, ok := ParseNumber(s)
	return !ok
}

// bigOf is a number (Int, Float, or an IsBigInteger Text) as an exact
// big.Float.
func bigOf(v Value) *big.Float {
	switch v.Kind {
	case Int:
		return new(big.Float).SetInt64(v.I)
	case Float:
		return new(big.Float).SetFloat64(v.F)
	}
	i, _ := new(big.Int).SetString(strings.TrimSpace(v.S), 10)
	return new(big.Float).SetInt(i)
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
