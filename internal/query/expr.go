package query

import (
	"strconv"
	"strings"

	"github.com/batonrun/baton/aggregate"
	"github.com/batonrun/baton/internal/value"
)

// env is what an expression reads: the record (row level) or a group's key
// values and aggregate results (final level).
type env struct {
	row  Row
	text TextRow // row as a TextRow, or nil
	off  int64   // the record's byte offset, for ValueError
	keys []value.Value
	aggs []value.Value
}

// node is a compiled expression. Nodes are immutable after Bind, so a Plan
// can be shared by concurrent accumulators.
type node interface {
	eval(e *env) (value.Value, error)
	// kids returns pointers to the child slots, for walking and rewriting.
	kids() []*node
	// write renders the node; sig renders columns by slot so that two
	// spellings of one column compare equal.
	write(b *strings.Builder, sig bool)
}

func render(n node) string {
	var b strings.Builder
	n.write(&b, false)
	return b.String()
}

func signature(n node) string {
	var b strings.Builder
	n.write(&b, true)
	return b.String()
}

// walk calls f on n and every descendant, parents first.
func walk(n node, f func(node)) {
	f(n)
	for _, k := range n.kids() {
		walk(*k, f)
	}
}

func writeChild(b *strings.Builder, n node, sig bool) {
	switch n.(type) {
	case *arithNode, *cmpNode, *logicNode, *inNode, *likeNode, *betweenNode, *isNullNode, *isTruthNode, *notNode:
		b.WriteByte('(')
		n.write(b, sig)
		b.WriteByte(')')
	default:
		n.write(b, sig)
	}
}

func writeList(b *strings.Builder, ns []node, sig bool) {
	for i, n := range ns {
		if i > 0 {
			b.WriteString(", ")
		}
		n.write(b, sig)
	}
}

type litNode struct{ v value.Value }

func (n *litNode) eval(*env) (value.Value, error) { return n.v, nil }
func (n *litNode) kids() []*node                  { return nil }
func (n *litNode) write(b *strings.Builder, _ bool) {
	switch n.v.Kind {
	case value.Null:
		b.WriteString("NULL")
	case value.Text:
		b.WriteString(strconv.Quote(n.v.S))
	default:
		b.WriteString(n.v.String())
	}
}

// colNode is a column reference; slot is -1 until Bind resolves it.
type colNode struct {
	name  string   // as written, for messages
	parts []string // qualifier stripped; backquoted dots not yet split
	pos   Pos
	slot  int
}

func (n *colNode) eval(e *env) (value.Value, error) { return e.row.Value(n.slot), nil }

// columnText returns the string of the row's value in slot when it is
// Text: from a TextRow without building the Value, else from Value.
func (e *env) columnText(slot int) (string, bool) {
	if e.text != nil {
		return e.text.Text(slot)
	}
	v := e.row.Value(slot)
	return v.S, v.Kind == value.Text
}

// evalOperand evaluates n, reading a bare column from the row without the
// node's dynamic call: operators over columns are the common case.
func evalOperand(n node, e *env) (value.Value, error) {
	if c, ok := n.(*colNode); ok {
		return e.row.Value(c.slot), nil
	}
	return n.eval(e)
}
func (n *colNode) kids() []*node { return nil }
func (n *colNode) write(b *strings.Builder, sig bool) {
	if sig && n.slot >= 0 {
		b.WriteString("$" + strconv.Itoa(n.slot))
		return
	}
	if sig { // unbound (while parsing): compare names case-insensitively
		b.WriteString("@" + strings.ToLower(strings.Join(n.parts, ".")))
		return
	}
	b.WriteString(n.name)
}

// keyRef reads group key i at the final level; aggRef reads aggregate i.
type keyRef struct {
	i    int
	text string
}

func (n *keyRef) eval(e *env) (value.Value, error) { return e.keys[n.i], nil }
func (n *keyRef) kids() []*node                    { return nil }
func (n *keyRef) write(b *strings.Builder, sig bool) {
	if sig {
		b.WriteString("#key" + strconv.Itoa(n.i))
		return
	}
	b.WriteString(n.text)
}

type aggRef struct {
	i    int
	text string
}

func (n *aggRef) eval(e *env) (value.Value, error) { return e.aggs[n.i], nil }
func (n *aggRef) kids() []*node                    { return nil }
func (n *aggRef) write(b *strings.Builder, sig bool) {
	if sig {
		b.WriteString("#agg" + strconv.Itoa(n.i))
		return
	}
	b.WriteString(n.text)
}

// aggNode is an aggregate call; arg is nil for count(*). It only appears in
// trees before the final-level rewrite replaces it with an aggRef.
type aggNode struct {
	fn  aggregate.Func
	arg node
	pos Pos
}

func (n *aggNode) eval(*env) (value.Value, error) {
	panic("query: aggregate evaluated at row level") // Bind rewrites these away
}

func (n *aggNode) kids() []*node {
	if n.arg == nil {
		return nil
	}
	return []*node{&n.arg}
}

func (n *aggNode) write(b *strings.Builder, sig bool) {
	b.WriteString(string(n.fn))
	b.WriteByte('(')
	if n.arg == nil {
		b.WriteByte('*')
	} else {
		n.arg.write(b, sig)
	}
	b.WriteByte(')')
}
