package query

import (
	"math"
	"strings"

	"github.com/batonrun/baton/internal/value"
)

// arithNode is + - * / %. Int op Int stays Int for + - * % (overflow is a
// ValueError); / always gives a Float. Division or modulo by zero is NULL.
type arithNode struct {
	op   byte
	l, r node
}

func (n *arithNode) kids() []*node { return []*node{&n.l, &n.r} }
func (n *arithNode) write(b *strings.Builder, sig bool) {
	writeChild(b, n.l, sig)
	b.WriteString(" " + string(n.op) + " ")
	writeChild(b, n.r, sig)
}

func (n *arithNode) eval(e *env) (value.Value, error) {
	l, err := n.l.eval(e)
	if err != nil {
		return l, err
	}
	r, err := n.r.eval(e)
	if err != nil || l.IsNull() || r.IsNull() {
		return value.NullValue, err
	}
	x, okL := numeric(l)
	y, okR := numeric(r)
	if !okL || !okR {
		bad := l
		if okL {
			bad = r
		}
		err := valueErr(n, e, notNumberReason(bad))
		err.Value = strings.Clone(bad.String())
		return value.NullValue, err
	}
	v, ok := arith(n.op, x, y)
	if !ok {
		return value.NullValue, valueErr(n, e, "is out of range")
	}
	return v, nil
}

func valueErr(n node, e *env, reason string) *ValueError {
	off := int64(-1)
	if e.row != nil {
		off = e.off
	}
	return &ValueError{Expr: render(n), OffsetBytes: off, Reason: reason}
}

// arith applies op to two numbers. ok is false on int64 overflow or a
// non-finite float result.
func arith(op byte, x, y value.Value) (value.Value, bool) {
	if x.Kind == value.Int && y.Kind == value.Int && op != '/' {
		return intArith(op, x.I, y.I)
	}
	a, b := x.Float64(), y.Float64()
	var f float64
	switch op {
	case '+':
		f = a + b
	case '-':
		f = a - b
	case '*':
		f = a * b
	case '/':
		if b == 0 {
			return value.NullValue, true
		}
		f = a / b
	case '%':
		if b == 0 {
			return value.NullValue, true
		}
		f = math.Mod(a, b)
	}
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return value.NullValue, false
	}
	return value.FromFloat(f), true
}

func intArith(op byte, a, b int64) (value.Value, bool) {
	var r int64
	switch op {
	case '+':
		r = a + b
		if (b > 0 && r < a) || (b < 0 && r > a) {
			return value.NullValue, false
		}
	case '-':
		r = a - b
		if (b < 0 && r < a) || (b > 0 && r > a) {
			return value.NullValue, false
		}
	case '*':
		if a != 0 && b != 0 {
			r = a * b
			if r/b != a || (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) {
				return value.NullValue, false
			}
		}
	case '%':
		if b == 0 {
			return value.NullValue, true
		}
		if b == -1 {
			return value.FromInt(0), true
		}
		r = a % b
	}
	return value.FromInt(r), true
}

type negNode struct{ x node }

func (n *negNode) kids() []*node { return []*node{&n.x} }
func (n *negNode) write(b *strings.Builder, sig bool) {
	b.WriteByte('-')
	writeChild(b, n.x, sig)
}

func (n *negNode) eval(e *env) (value.Value, error) {
	v, err := n.x.eval(e)
	if err != nil || v.IsNull() {
		return value.NullValue, err
	}
	x, ok := numeric(v)
	switch {
	case !ok:
		return value.NullValue, valueErr(n, e, notNumberReason(v))
	case x.Kind == value.Float:
		return value.FromFloat(-x.F), nil
	case x.I == math.MinInt64:
		return value.NullValue, valueErr(n, e, "is out of range")
	}
	return value.FromInt(-x.I), nil
}

type cmpOp uint8

const (
	opEQ cmpOp = iota
	opNE
	opLT
	opLE
	opGT
	opGE
	opNullEQ // <=>
)

var cmpText = [...]string{"=", "!=", "<", "<=", ">", ">=", "<=>"}

type cmpNode struct {
	op   cmpOp
	l, r node
}

func (n *cmpNode) kids() []*node { return []*node{&n.l, &n.r} }
func (n *cmpNode) write(b *strings.Builder, sig bool) {
	writeChild(b, n.l, sig)
	b.WriteString(" " + cmpText[n.op] + " ")
	writeChild(b, n.r, sig)
}

func (n *cmpNode) eval(e *env) (value.Value, error) {
	t, known, err := n.test(e)
	if err != nil {
		return value.NullValue, err
	}
	return boolOrNull(t, known), nil
}

func (n *cmpNode) test(e *env) (t, known bool, err error) {
	l, err := evalOperand(n.l, e)
	if err != nil {
		return false, false, err
	}
	r, err := evalOperand(n.r, e)
	if err != nil {
		return false, false, err
	}
	if n.op == opNullEQ {
		if l.IsNull() || r.IsNull() {
			return l.IsNull() && r.IsNull(), true, nil
		}
		return compareSQL(l, r) == 0, true, nil
	}
	if l.IsNull() || r.IsNull() {
		return false, false, nil
	}
	if numberVersusText(l, r) {
		return false, false, valueErr(n, e, "compares a number with a value that is not a number")
	}
	return cmpHolds(n.op, compareSQL(l, r)), true, nil
}

func cmpHolds(op cmpOp, c int) bool {
	switch op {
	case opEQ:
		return c == 0
	case opNE:
		return c != 0
	case opLT:
		return c < 0
	case opLE:
		return c <= 0
	case opGT:
		return c > 0
	}
	return c >= 0
}

// logicNode is AND, OR, XOR with SQL three-valued logic.
type logicNode struct {
	op   string // "AND", "OR", "XOR"
	l, r node
}

func (n *logicNode) kids() []*node { return []*node{&n.l, &n.r} }
func (n *logicNode) write(b *strings.Builder, sig bool) {
	writeChild(b, n.l, sig)
	b.WriteString(" " + n.op + " ")
	writeChild(b, n.r, sig)
}

func (n *logicNode) eval(e *env) (value.Value, error) {
	t, known, err := n.test(e)
	if err != nil {
		return value.NullValue, err
	}
	return boolOrNull(t, known), nil
}

func (n *logicNode) test(e *env) (t, known bool, err error) {
	lt, lk, err := testWhere(n.l, e)
	if err != nil {
		return false, false, err
	}
	if lk && ((n.op == "AND" && !lt) || (n.op == "OR" && lt)) {
		return lt, true, nil // short circuit
	}
	rt, rk, err := testWhere(n.r, e)
	if err != nil {
		return false, false, err
	}
	switch n.op {
	case "AND":
		if rk && !rt {
			return false, true, nil
		}
		return true, lk && rk, nil
	case "OR":
		if rk && rt {
			return true, true, nil
		}
		return false, lk && rk, nil
	}
	return lt != rt, lk && rk, nil
}

type notNode struct{ x node }

func (n *notNode) kids() []*node { return []*node{&n.x} }
func (n *notNode) write(b *strings.Builder, sig bool) {
	b.WriteString("NOT ")
	writeChild(b, n.x, sig)
}

func (n *notNode) eval(e *env) (value.Value, error) {
	t, known, err := n.test(e)
	if err != nil {
		return value.NullValue, err
	}
	return boolOrNull(t, known), nil
}

func (n *notNode) test(e *env) (t, known bool, err error) {
	t, known, err = testWhere(n.x, e)
	return !t, known, err
}
