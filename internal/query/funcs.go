package query

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/batonrun/baton/internal/value"
)

// castKind is the target of CAST.
type castKind uint8

const (
	castSigned castKind = iota // Int; floats round half away from zero
	castFloat                  // DECIMAL and DOUBLE both give a Float
	castText                   // CHAR
)

var castNames = [...]string{"SIGNED", "DOUBLE", "CHAR"}

type castNode struct {
	x  node
	to castKind
}

func (n *castNode) kids() []*node { return []*node{&n.x} }
func (n *castNode) write(b *strings.Builder, sig bool) {
	b.WriteString("CAST(")
	n.x.write(b, sig)
	b.WriteString(" AS " + castNames[n.to] + ")")
}

func (n *castNode) eval(e *env) (value.Value, error) {
	v, err := n.x.eval(e)
	if err != nil || v.IsNull() {
		return value.NullValue, err
	}
	if n.to == castText {
		return value.FromText(v.String()), nil
	}
	x, ok := numeric(v)
	if !ok {
		return value.NullValue, valueErr(n, e, notNumberReason(v))
	}
	if n.to == castFloat {
		return value.FromFloat(x.Float64()), nil
	}
	if x.Kind == value.Int {
		return x, nil
	}
	r := math.Round(x.F)
	if r < -(1<<63) || r >= 1<<63 {
		return value.NullValue, valueErr(n, e, "is out of range")
	}
	return value.FromInt(int64(r)), nil
}

// funcNode is a scalar function call. impl receives the node (for errors)
// and the evaluated arguments in a fixed-size array (no allocation).
type funcNode struct {
	name string
	args []node
	impl func(n *funcNode, e *env, a *[3]value.Value) (value.Value, error)
	// lazy functions (coalesce) evaluate their own arguments.
	lazy bool
}

func (n *funcNode) kids() []*node {
	ks := make([]*node, len(n.args))
	for i := range n.args {
		ks[i] = &n.args[i]
	}
	return ks
}

func (n *funcNode) write(b *strings.Builder, sig bool) {
	b.WriteString(n.name + "(")
	writeList(b, n.args, sig)
	b.WriteByte(')')
}

func (n *funcNode) eval(e *env) (value.Value, error) {
	if n.lazy {
		return n.impl(n, e, nil)
	}
	var a [3]value.Value
	for i, arg := range n.args {
		v, err := arg.eval(e)
		if err != nil {
			return v, err
		}
		if v.IsNull() { // every non-lazy function is NULL on a NULL argument
			return value.NullValue, nil
		}
		a[i] = v
	}
	return n.impl(n, e, &a)
}

// funcSpec describes one supported scalar function.
type funcSpec struct {
	name             string // canonical name
	minArgs, maxArgs int
	lazy             bool
	impl             func(n *funcNode, e *env, a *[3]value.Value) (value.Value, error)
}

// lookupFunc returns the spec for a lower-case function name.
func lookupFunc(name string) (funcSpec, bool) {
	switch name {
	case "lower", "lcase":
		return funcSpec{"lower", 1, 1, false, fnLower}, true
	case "upper", "ucase":
		return funcSpec{"upper", 1, 1, false, fnUpper}, true
	case "length", "octet_length":
		return funcSpec{"length", 1, 1, false, fnLength}, true
	case "char_length", "character_length":
		return funcSpec{"char_length", 1, 1, false, fnCharLength}, true
	case "substring", "substr", "mid":
		return funcSpec{"substring", 2, 3, false, fnSubstring}, true
	case "coalesce":
		return funcSpec{"coalesce", 1, 1 << 20, true, fnCoalesce}, true
	case "abs":
		return funcSpec{"abs", 1, 1, false, fnAbs}, true
	case "round":
		return funcSpec{"round", 1, 2, false, fnRound}, true
	}
	return funcSpec{}, false
}

func fnLower(_ *funcNode, _ *env, a *[3]value.Value) (value.Value, error) {
	return value.FromText(strings.ToLower(a[0].String())), nil
}

func fnUpper(_ *funcNode, _ *env, a *[3]value.Value) (value.Value, error) {
	return value.FromText(strings.ToUpper(a[0].String())), nil
}

// fnLength is the length in bytes (MySQL LENGTH).
func fnLength(_ *funcNode, _ *env, a *[3]value.Value) (value.Value, error) {
	return value.FromInt(int64(len(a[0].String()))), nil
}

// fnCharLength is the length in UTF-8 characters.
func fnCharLength(_ *funcNode, _ *env, a *[3]value.Value) (value.Value, error) {
	return value.FromInt(int64(utf8.RuneCountInString(a[0].String()))), nil
}

// fnSubstring is MySQL SUBSTRING(s, pos[, len]) over characters: pos is
// 1-based, a negative pos counts from the end, pos 0 or len < 1 give "".
func fnSubstring(n *funcNode, e *env, a *[3]value.Value) (value.Value, error) {
	rs := []rune(a[0].String())
	pos, err := intArg(n, e, a[1])
	if err != nil {
		return value.NullValue, err
	}
	length := int64(len(rs))
	if len(n.args) == 3 {
		if length, err = intArg(n, e, a[2]); err != nil {
			return value.NullValue, err
		}
	}
	start := pos - 1
	if pos < 0 {
		start = int64(len(rs)) + pos
	}
	if pos == 0 || start < 0 || start >= int64(len(rs)) || length < 1 {
		return value.FromText(""), nil
	}
	end := min(int64(len(rs)), start+min(length, int64(len(rs))))
	return value.FromText(string(rs[start:end])), nil
}

func intArg(n *funcNode, e *env, v value.Value) (int64, error) {
	x, ok := numeric(v)
	if !ok {
		return 0, valueErr(n, e, notNumberReason(v))
	}
	if x.Kind == value.Int {
		return x.I, nil
	}
	return int64(math.Round(math.Max(math.Min(x.F, 1<<62), -(1 << 62)))), nil
}

func fnCoalesce(n *funcNode, e *env, _ *[3]value.Value) (value.Value, error) {
	for _, arg := range n.args {
		v, err := arg.eval(e)
		if err != nil || !v.IsNull() {
			return v, err
		}
	}
	return value.NullValue, nil
}

func fnAbs(n *funcNode, e *env, a *[3]value.Value) (value.Value, error) {
	x, ok := numeric(a[0])
	switch {
	case !ok:
		return value.NullValue, valueErr(n, e, notNumberReason(a[0]))
	case x.Kind == value.Float:
		return value.FromFloat(math.Abs(x.F)), nil
	case x.I == math.MinInt64:
		return value.NullValue, valueErr(n, e, "is out of range")
	case x.I < 0:
		return value.FromInt(-x.I), nil
	}
	return x, nil
}

// fnRound is ROUND(x[, d]): half away from zero to d decimals (d may be
// negative). Ints stay Int; floats stay Float.
func fnRound(n *funcNode, e *env, a *[3]value.Value) (value.Value, error) {
	x, ok := numeric(a[0])
	if !ok {
		return value.NullValue, valueErr(n, e, notNumberReason(a[0]))
	}
	var d int64
	if len(n.args) == 2 {
		var err error
		if d, err = intArg(n, e, a[1]); err != nil {
			return value.NullValue, err
		}
	}
	if x.Kind == value.Int {
		if d >= 0 {
			return x, nil
		}
		if d < -18 {
			return value.FromInt(0), nil
		}
		p := int64(math.Pow10(int(-d)))
		q, r := x.I/p, x.I%p
		if 2*abs64(r) >= p {
			if x.I < 0 {
				q--
			} else {
				q++
			}
		}
		v, ok := intArith('*', q, p)
		if !ok {
			return value.NullValue, valueErr(n, e, "is out of range")
		}
		return v, nil
	}
	return value.FromFloat(roundFloat(x.F, d)), nil
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// roundFloat rounds half away from zero to d decimals, on the shortest
// decimal form of f, so that round(2.675, 2) is 2.68 as written.
func roundFloat(f float64, d int64) float64 {
	if math.IsInf(f, 0) || math.IsNaN(f) || d > 400 {
		return f
	}
	s := strconv.FormatFloat(math.Abs(f), 'f', -1, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	digits := intPart + frac
	keep := int64(len(intPart)) + d // digits to keep
	if keep >= int64(len(digits)) {
		return f
	}
	if keep < 0 {
		return 0
	}
	kept := []byte(digits[:keep])
	if digits[keep] >= '5' {
		i := len(kept) - 1
		for ; i >= 0 && kept[i] == '9'; i-- {
			kept[i] = '0'
		}
		if i < 0 {
			kept = append([]byte{'1'}, kept...)
		} else {
			kept[i]++
		}
	}
	if len(kept) == 0 {
		return 0
	}
	r, err := strconv.ParseFloat(string(kept)+"e"+strconv.FormatInt(-d, 10), 64)
	if err != nil || r == 0 {
		return 0
	}
	if f < 0 {
		return -r
	}
	return r
}
