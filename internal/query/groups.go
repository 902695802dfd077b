package query

import (
	"fmt"

	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/batonrun/baton/aggregate"
)

func (b *planBuilder) buildGroups() error {
	p := b.p
	p.mode = aggregate.ModeGroups
	b.keySigs = map[string]int{}
	b.aggSigs = map[string]int{}
	s := b.q.stmt
	for _, it := range b.items {
		if it.field.WildCard != nil {
			return &UnsupportedError{Pos: wordPos(b.q.sql, "*", 0), Construct: "SELECT * with aggregation", Hint: "name the columns"}
		}
	}
	if s.GroupBy != nil {
		for _, by := range s.GroupBy.Items {
			if err := b.addKey(by.Expr); err != nil {
				return err
			}
		}
	}
	for _, it := range b.items {
		n, err := b.final("the select list", it.field.Expr, false)
		if err != nil {
			return err
		}
		p.outs = append(p.outs, n)
		p.names = append(p.names, it.name)
	}
	if s.Having != nil {
		n, err := b.final("HAVING", s.Having.Expr, true)
		if err != nil {
			return err
		}
		p.having = n
	}
	if s.OrderBy != nil {
		for _, by := range s.OrderBy.Items {
			var n node
			var err error
			if pe, ok := by.Expr.(*ast.PositionExpr); ok {
				if _, err = b.positionItem(by.Expr, "ORDER BY"); err == nil {
					n = p.outs[pe.N-1]
				}
			} else {
				n, err = b.final("ORDER BY", by.Expr, true)
			}
			if err != nil {
				return err
			}
			p.order = append(p.order, orderItem{n: n, desc: by.Desc})
		}
	}
	p.shape = aggregate.Shape{Mode: aggregate.ModeGroups, Keys: len(p.keys)}
	for _, a := range p.aggs {
		p.shape.Aggs = append(p.shape.Aggs, aggregate.AggSpec{Func: a.fn, Expr: a.text})
	}
	return nil
}

// addKey adds one GROUP BY expression (a position, a select alias or an
// expression over columns).
func (b *planBuilder) addKey(x ast.ExprNode) error {
	if _, ok := x.(*ast.PositionExpr); ok {
		it, err := b.positionItem(x, "GROUP BY")
		if err != nil {
			return err
		}
		x = it.field.Expr
	}
	n, err := b.conv("GROUP BY", false, true).expr(x)
	if err != nil {
		return err
	}
	sig := signature(n)
	if _, dup := b.keySigs[sig]; dup {
		return nil
	}
	b.keySigs[sig] = len(b.p.keys)
	b.p.keys = append(b.p.keys, n)
	return nil
}

// final converts x for evaluation over a group: subexpressions equal to a
// group key become key references, aggregates become aggregate references,
// and any other column is an error.
func (b *planBuilder) final(clause string, x ast.ExprNode, aliases bool) (node, error) {
	n, err := b.conv(clause, true, aliases).expr(x)
	if err != nil {
		return nil, err
	}
	return b.rewrite(n, clause)
}

func (b *planBuilder) rewrite(n node, clause string) (node, error) {
	if i, ok := b.keySigs[signature(n)]; ok {
		return &keyRef{i: i, text: render(n)}, nil
	}
	switch x := n.(type) {
	case *aggNode:
		return b.addAgg(x), nil
	case *colNode:
		if b.sch == nil {
			return n, nil // columns are checked at Bind, when they resolve
		}
		return nil, &QueryError{Pos: x.pos, Msg: fmt.Sprintf(
			"column %q in %s must appear in GROUP BY or be used in an aggregate function", x.name, clause)}
	}
	for _, k := range n.kids() {
		r, err := b.rewrite(*k, clause)
		if err != nil {
			return nil, err
		}
		*k = r
	}
	return n, nil
}

func (b *planBuilder) addAgg(a *aggNode) node {
	sig := signature(a)
	i, ok := b.aggSigs[sig]
	if !ok {
		i = len(b.p.aggs)
		b.aggSigs[sig] = i
		b.p.aggs = append(b.p.aggs, aggDef{fn: a.fn, arg: a.arg, text: render(a)})
	}
	return &aggRef{i: i, text: render(a)}
}
