package query

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/batonrun/baton/aggregate"
	"github.com/batonrun/baton/internal/value"
)

// Row is one decoded record: Value(slot) is the value of Plan.Columns()[slot]
// (Null when the record lacks it). Implemented by the record decoder.
type Row interface {
	Value(slot int) value.Value
}

// TextRow is a Row that can hand out a value's parts without building the
// Value (the record decoder's rows can). The accumulator uses it for group
// keys and sum/avg arguments when a Row implements it: a 40-byte Value
// copied per record per column was a measurable cost.
type TextRow interface {
	Row
	// Text returns the string of slot's value and true when the value is
	// Text, else "" and false (call Value for it).
	Text(slot int) (s string, ok bool)
	// Scalar returns the fields of slot's value, as Value(slot) would
	// hold them: kind, and i for Int (0 or 1 for Bool), f for Float, s for
	// Text; the others zero.
	Scalar(slot int) (kind value.Kind, i int64, f float64, s string)
}

// Plan is a bound query, ready to evaluate. It is immutable and safe for
// concurrent use by many Accumulators.
type Plan struct {
	cols  []ColumnRef
	names []string // output column names
	where node     // row level; nil = all records

	mode aggregate.Mode
	// groups mode: row-level keys and aggregate arguments; final-level
	// outputs, HAVING and ORDER BY (over keyRef and aggRef).
	keys []node
	aggs []aggDef
	// rows mode: row-level outputs and ORDER BY.
	outs   []node
	having node
	order  []orderItem

	hasLimit      bool
	limit, offset int64
	shape         aggregate.Shape
}

type aggDef struct {
	fn   aggregate.Func
	arg  node // nil for count(*)
	text string
}

type orderItem struct {
	n    node
	desc bool
}

// Columns returns the distinct columns the query reads; slot i of a Row is
// Columns()[i]. The caller must not modify the result.
func (p *Plan) Columns() []ColumnRef { return p.cols }

// ColumnNames returns the result's column names.
func (p *Plan) ColumnNames() []string { return p.names }

// Shape returns the shape of this plan's partial results.
func (p *Plan) Shape() aggregate.Shape { return p.shape }

type planBuilder struct {
	q       *Query
	sch     *Schema // nil while parsing
	p       *Plan
	slots   map[string]int
	items   []selItem
	aliases map[string]ast.ExprNode
	keySigs map[string]int
	aggSigs map[string]int
}

type selItem struct {
	field *ast.SelectField
	name  string
}

func build(q *Query, sch *Schema) (*Plan, error) {
	b := &planBuilder{q: q, sch: sch, p: &Plan{hasLimit: q.hasLimit, limit: q.limit, offset: q.offset},
		slots: map[string]int{}, aliases: map[string]ast.ExprNode{}}
	s := q.stmt
	for _, f := range s.Fields.Fields {
		b.items = append(b.items, selItem{field: f, name: fieldName(f)})
		if f.AsName.L != "" {
			b.aliases[f.AsName.L] = f.Expr
		}
	}
	var err error
	if s.Where != nil {
		if b.p.where, err = b.conv("WHERE", false, false).expr(s.Where); err != nil {
			return nil, err
		}
	}
	if b.aggregates() {
		err = b.buildGroups()
	} else {
		err = b.buildRows()
	}
	if err != nil {
		return nil, err
	}
	b.p.shape.HasLimit = b.p.mode == aggregate.ModeRows && q.hasLimit
	if b.p.shape.HasLimit {
		b.p.shape.Keep = int(q.limit + q.offset)
	}
	return b.p, nil
}

func fieldName(f *ast.SelectField) string {
	switch {
	case f.AsName.O != "":
		return f.AsName.O
	case f.WildCard != nil:
		return "*"
	}
	if c, ok := f.Expr.(*ast.ColumnNameExpr); ok {
		return c.Name.Name.O
	}
	return strings.TrimSpace(f.Text())
}

func (b *planBuilder) conv(where string, aggsOK, aliases bool) *converter {
	c := &converter{sql: b.q.sql, alias: b.q.alias, aggsOK: aggsOK, where: where}
	if b.sch != nil {
		c.resolve = b.resolve
	}
	if aliases {
		c.aliases = b.aliases
	}
	return c
}

func (b *planBuilder) resolve(c *colNode) error {
	ref, key, err := b.sch.resolveRef(c)
	if err != nil {
		return err
	}
	slot, ok := b.slots[key]
	if !ok {
		slot = len(b.p.cols)
		b.slots[key] = slot
		b.p.cols = append(b.p.cols, ref)
	}
	c.slot = slot
	return nil
}

// aggregates reports whether the query aggregates: GROUP BY, HAVING, or an
// aggregate function in the select list or ORDER BY.
func (b *planBuilder) aggregates() bool {
	s := b.q.stmt
	if s.GroupBy != nil || s.Having != nil {
		return true
	}
	var exprs []ast.Node
	for _, it := range b.items {
		if it.field.Expr != nil {
			exprs = append(exprs, it.field.Expr)
		}
	}
	if s.OrderBy != nil {
		for _, it := range s.OrderBy.Items {
			exprs = append(exprs, it.Expr)
		}
	}
	for _, e := range exprs {
		var f aggFinder
		e.Accept(&f)
		if f.found {
			return true
		}
	}
	return false
}

type aggFinder struct{ found bool }

func (f *aggFinder) Enter(n ast.Node) (ast.Node, bool) {
	if _, ok := n.(*ast.AggregateFuncExpr); ok {
		f.found = true
	}
	return n, f.found
}
func (f *aggFinder) Leave(n ast.Node) (ast.Node, bool) { return n, true }

// position resolves ORDER BY / GROUP BY n to select item n (1-based).
func (b *planBuilder) positionItem(x ast.ExprNode, clause string) (selItem, error) {
	pe := x.(*ast.PositionExpr)
	if pe.P != nil || pe.N < 1 || pe.N > len(b.items) {
		return selItem{}, &QueryError{Pos: wordPos(b.q.sql, clause, 0),
			Msg: fmt.Sprintf("%s position %d is not in the select list (1 to %d)", clause, pe.N, len(b.items))}
	}
	it := b.items[pe.N-1]
	if it.field.WildCard != nil {
		return selItem{}, &QueryError{Pos: wordPos(b.q.sql, clause, 0), Msg: fmt.Sprintf("%s position %d refers to *", clause, pe.N)}
	}
	return it, nil
}

func (b *planBuilder) buildRows() error {
	p := b.p
	p.mode = aggregate.ModeRows
	for _, it := range b.items {
		if it.field.WildCard != nil {
			if err := b.expandStar(it.field.WildCard); err != nil {
				return err
			}
			continue
		}
		n, err := b.conv("the select list", false, false).expr(it.field.Expr)
		if err != nil {
			return err
		}
		p.outs = append(p.outs, n)
		p.names = append(p.names, it.name)
	}
	if s := b.q.stmt; s.OrderBy != nil {
		for _, by := range s.OrderBy.Items {
			var n node
			var err error
			if _, ok := by.Expr.(*ast.PositionExpr); ok {
				var it selItem
				if it, err = b.positionItem(by.Expr, "ORDER BY"); err == nil {
					n, err = b.conv("ORDER BY", false, false).expr(it.field.Expr)
				}
			} else {
				n, err = b.conv("ORDER BY", false, true).expr(by.Expr)
			}
			if err != nil {
				return err
			}
			p.order = append(p.order, orderItem{n: n, desc: by.Desc})
			p.shape.Desc = append(p.shape.Desc, by.Desc)
		}
	}
	p.shape.Mode = aggregate.ModeRows
	p.shape.Columns = len(p.outs)
	return nil
}

// expandStar adds one output per column for SELECT * (CSV and lines).
func (b *planBuilder) expandStar(w *ast.WildCardField) error {
	if w.Table.O != "" && !strings.EqualFold(w.Table.O, "s3object") && !strings.EqualFold(w.Table.O, b.q.alias) {
		return &QueryError{Pos: wordPos(b.q.sql, w.Table.O, 0), Msg: fmt.Sprintf("%s.* does not name s3object or its alias", w.Table.O)}
	}
	if b.sch == nil {
		return nil // expanded at Bind
	}
	var names []string
	switch b.sch.Kind {
	case SchemaJSON:
		return &UnsupportedError{Pos: wordPos(b.q.sql, "*", 0), Construct: "SELECT * on JSON Lines", Hint: "name the fields to select"}
	case SchemaLines:
		names = []string{"_1"}
	default:
		if names = b.sch.csvNames(); names == nil {
			return &QueryError{Pos: wordPos(b.q.sql, "*", 0), Msg: "SELECT * needs the CSV header or field count; name the fields (_1, _2, ...)"}
		}
	}
	for i, name := range names {
		key := strconv.Itoa(i)
		slot, ok := b.slots[key]
		if !ok {
			slot = len(b.p.cols)
			b.slots[key] = slot
			b.p.cols = append(b.p.cols, ColumnRef{Index: i})
		}
		b.p.outs = append(b.p.outs, &colNode{name: name, parts: []string{name}, slot: slot})
		b.p.names = append(b.p.names, name)
	}
	return nil
}
