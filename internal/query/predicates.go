package query

import (
	"strings"

	"github.com/batonrun/baton/internal/value"
)

// inNode is x [NOT] IN (list): TRUE if x equals an item, else NULL if x or
// any item is NULL, else FALSE; NOT IN negates that (NULL stays NULL).
type inNode struct {
	x    node
	list []node
	not  bool
}

func (n *inNode) kids() []*node {
	ks := []*node{&n.x}
	for i := range n.list {
		ks = append(ks, &n.list[i])
	}
	return ks
}

func (n *inNode) write(b *strings.Builder, sig bool) {
	writeChild(b, n.x, sig)
	if n.not {
		b.WriteString(" NOT")
	}
	b.WriteString(" IN (")
	writeList(b, n.list, sig)
	b.WriteByte(')')
}

func (n *inNode) eval(e *env) (value.Value, error) {
	x, err := n.x.eval(e)
	if err != nil || x.IsNull() {
		return value.NullValue, err
	}
	sawNull := false
	for _, item := range n.list {
		v, err := item.eval(e)
		if err != nil {
			return v, err
		}
		if v.IsNull() {
			sawNull = true
			continue
		}
		if numberVersusText(x, v) {
			return value.NullValue, valueErr(n, e, "compares a number with a value that is not a number")
		}
		if compareSQL(x, v) == 0 {
			return value.FromBool(!n.not), nil
		}
	}
	return boolOrNull(n.not, !sawNull), nil
}

type isNullNode struct {
	x   node
	not bool
}

func (n *isNullNode) kids() []*node { return []*node{&n.x} }
func (n *isNullNode) write(b *strings.Builder, sig bool) {
	writeChild(b, n.x, sig)
	if n.not {
		b.WriteString(" IS NOT NULL")
	} else {
		b.WriteString(" IS NULL")
	}
}

func (n *isNullNode) eval(e *env) (value.Value, error) {
	v, err := n.x.eval(e)
	if err != nil {
		return v, err
	}
	return value.FromBool(v.IsNull() != n.not), nil
}

// isTruthNode is x IS [NOT] TRUE|FALSE; never NULL.
type isTruthNode struct {
	x     node
	not   bool
	truth bool
}

func (n *isTruthNode) kids() []*node { return []*node{&n.x} }
func (n *isTruthNode) write(b *strings.Builder, sig bool) {
	writeChild(b, n.x, sig)
	b.WriteString(" IS ")
	if n.not {
		b.WriteString("NOT ")
	}
	if n.truth {
		b.WriteString("TRUE")
	} else {
		b.WriteString("FALSE")
	}
}

func (n *isTruthNode) eval(e *env) (value.Value, error) {
	v, err := n.x.eval(e)
	if err != nil {
		return v, err
	}
	t, k := truth(v)
	return value.FromBool((k && t == n.truth) != n.not), nil
}

// betweenNode is x [NOT] BETWEEN lo AND hi, i.e. x >= lo AND x <= hi.
type betweenNode struct {
	x, lo, hi node
	not       bool
}

func (n *betweenNode) kids() []*node { return []*node{&n.x, &n.lo, &n.hi} }
func (n *betweenNode) write(b *strings.Builder, sig bool) {
	writeChild(b, n.x, sig)
	if n.not {
		b.WriteString(" NOT")
	}
	b.WriteString(" BETWEEN ")
	writeChild(b, n.lo, sig)
	b.WriteString(" AND ")
	writeChild(b, n.hi, sig)
}

func (n *betweenNode) eval(e *env) (value.Value, error) {
	x, err := n.x.eval(e)
	if err != nil {
		return x, err
	}
	lo, err := n.lo.eval(e)
	if err != nil {
		return lo, err
	}
	hi, err := n.hi.eval(e)
	if err != nil {
		return hi, err
	}
	if numberVersusText(x, lo) || numberVersusText(x, hi) {
		return value.NullValue, valueErr(n, e, "compares a number with a value that is not a number")
	}
	geLo, kLo := cmpOrUnknown(x, lo, opGE)
	leHi, kHi := cmpOrUnknown(x, hi, opLE)
	var t, k bool
	switch {
	case (kLo && !geLo) || (kHi && !leHi):
		t, k = false, true
	case kLo && kHi:
		t, k = true, true
	}
	if n.not {
		t = !t
	}
	return boolOrNull(t, k), nil
}

func cmpOrUnknown(a, b value.Value, op cmpOp) (t, known bool) {
	if a.IsNull() || b.IsNull() {
		return false, false
	}
	return cmpHolds(op, compareSQL(a, b)), true
}
