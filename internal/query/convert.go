package query

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/mysql"
	"github.com/pingcap/tidb/pkg/parser/opcode"
	"github.com/pingcap/tidb/pkg/parser/test_driver"

	"github.com/batonrun/baton/aggregate"
	"github.com/batonrun/baton/internal/value"
)

// converter turns parser expressions into nodes.
type converter struct {
	sql     string
	alias   string                  // FROM alias, "" if none
	resolve func(*colNode) error    // nil while parsing (no schema yet)
	aliases map[string]ast.ExprNode // select aliases (lower case) usable here; nil = none
	aggsOK  bool                    // aggregates allowed here
	where   string                  // clause name for messages
	inAgg   bool
}

func (c *converter) pos(x ast.ExprNode) Pos { return posAt(c.sql, x.OriginTextPosition()) }

// posAt converts a byte offset in sql to a line and column.
func posAt(sql string, off int) Pos {
	if off < 0 || off > len(sql) {
		return Pos{}
	}
	p := Pos{Line: 1, Column: 1}
	for _, r := range sql[:off] {
		if r == '\n' {
			p.Line++
			p.Column = 1
		} else {
			p.Column++
		}
	}
	return p
}

func (c *converter) unsupported(x ast.ExprNode, construct, hint string) error {
	return &UnsupportedError{Pos: c.pos(x), Construct: construct, Hint: hint}
}

func (c *converter) expr(x ast.ExprNode) (node, error) {
	switch x := x.(type) {
	case *test_driver.ValueExpr:
		return c.literal(x)
	case *ast.ColumnNameExpr:
		return c.column(x)
	case *ast.ParenthesesExpr:
		return c.expr(x.Expr)
	case *ast.BinaryOperationExpr:
		return c.binary(x)
	case *ast.UnaryOperationExpr:
		return c.unary(x)
	case *ast.PatternInExpr:
		return c.in(x)
	case *ast.PatternLikeOrIlikeExpr:
		return c.like(x)
	case *ast.IsNullExpr:
		v, err := c.expr(x.Expr)
		return &isNullNode{x: v, not: x.Not}, err
	case *ast.IsTruthExpr:
		v, err := c.expr(x.Expr)
		return &isTruthNode{x: v, not: x.Not, truth: x.True != 0}, err
	case *ast.BetweenExpr:
		return c.between(x)
	case *ast.FuncCastExpr:
		return c.cast(x)
	case *ast.FuncCallExpr:
		return c.call(x)
	case *ast.AggregateFuncExpr:
		return c.aggregate(x)
	case *ast.WindowFuncExpr:
		return nil, c.unsupported(x, "window function "+x.Name, "")
	case *ast.SubqueryExpr, *ast.ExistsSubqueryExpr, *ast.CompareSubqueryExpr:
		return nil, c.unsupported(x, "subquery", "")
	case *ast.CaseExpr:
		return nil, c.unsupported(x, "CASE", "")
	case *ast.PatternRegexpExpr:
		return nil, c.unsupported(x, "REGEXP", "use LIKE")
	case *test_driver.ParamMarkerExpr:
		return nil, c.unsupported(x, "parameter marker ?", "")
	case *ast.RowExpr:
		return nil, c.unsupported(x, "row constructor", "")
	}
	name := strings.TrimSuffix(strings.TrimPrefix(fmt.Sprintf("%T", x), "*ast."), "Expr")
	return nil, c.unsupported(x, "expression "+name, "")
}

func (c *converter) literal(x *test_driver.ValueExpr) (node, error) {
	switch x.Kind() {
	case test_driver.KindNull:
		return &litNode{v: value.NullValue}, nil
	case test_driver.KindInt64:
		return &litNode{v: value.FromInt(x.GetInt64())}, nil
	case test_driver.KindUint64:
		u := x.GetUint64()
		if u > math.MaxInt64 {
			return nil, c.unsupported(x, "integer literal above 9223372036854775807", "")
		}
		return &litNode{v: value.FromInt(int64(u))}, nil
	case test_driver.KindFloat32, test_driver.KindFloat64:
		return &litNode{v: value.FromFloat(x.GetFloat64())}, nil
	case test_driver.KindString, test_driver.KindBytes:
		return &litNode{v: value.FromText(x.GetString())}, nil
	case test_driver.KindMysqlDecimal:
		f, err := strconv.ParseFloat(x.GetMysqlDecimal().String(), 64)
		if err != nil {
			return nil, c.unsupported(x, "decimal literal "+x.GetMysqlDecimal().String(), "")
		}
		return &litNode{v: value.FromFloat(f)}, nil
	}
	return nil, c.unsupported(x, "this kind of literal", "")
}

func (c *converter) column(x *ast.ColumnNameExpr) (node, error) {
	n := x.Name
	var written, parts []string
	for _, p := range []string{n.Schema.O, n.Table.O, n.Name.O} {
		if p != "" {
			written = append(written, p)
		}
	}
	parts = written
	if len(parts) > 1 && (strings.EqualFold(parts[0], "s3object") || (c.alias != "" && strings.EqualFold(parts[0], c.alias))) {
		parts = parts[1:]
	}
	if len(parts) == 1 && c.aliases != nil {
		if target, ok := c.aliases[strings.ToLower(parts[0])]; ok {
			inner := *c
			inner.aliases = nil // an alias's own expression sees columns only
			return inner.expr(target)
		}
	}
	col := &colNode{name: strings.Join(written, "."), parts: parts, pos: c.pos(x), slot: -1}
	if c.resolve != nil {
		if err := c.resolve(col); err != nil {
			return nil, err
		}
	}
	return col, nil
}

var arithOps = map[opcode.Op]byte{opcode.Plus: '+', opcode.Minus: '-', opcode.Mul: '*', opcode.Div: '/', opcode.Mod: '%'}
var cmpOps = map[opcode.Op]cmpOp{opcode.EQ: opEQ, opcode.NE: opNE, opcode.LT: opLT, opcode.LE: opLE, opcode.GT: opGT, opcode.GE: opGE, opcode.NullEQ: opNullEQ}
var logicOps = map[opcode.Op]string{opcode.LogicAnd: "AND", opcode.LogicOr: "OR", opcode.LogicXor: "XOR"}

func (c *converter) binary(x *ast.BinaryOperationExpr) (node, error) {
	l, err := c.expr(x.L)
	if err != nil {
		return nil, err
	}
	r, err := c.expr(x.R)
	if err != nil {
		return nil, err
	}
	if op, ok := arithOps[x.Op]; ok {
		return &arithNode{op: op, l: l, r: r}, nil
	}
	if op, ok := cmpOps[x.Op]; ok {
		return &cmpNode{op: op, l: l, r: r}, nil
	}
	if op, ok := logicOps[x.Op]; ok {
		return &logicNode{op: op, l: l, r: r}, nil
	}
	return nil, c.unsupported(x, "operator "+x.Op.String(), "")
}

func (c *converter) unary(x *ast.UnaryOperationExpr) (node, error) {
	v, err := c.expr(x.V)
	if err != nil {
		return nil, err
	}
	switch x.Op {
	case opcode.Minus:
		if lit, ok := v.(*litNode); ok && lit.v.Kind == value.Float {
			return &litNode{v: value.FromFloat(-lit.v.F)}, nil
		}
		if lit, ok := v.(*litNode); ok && lit.v.Kind == value.Int && lit.v.I != math.MinInt64 {
			return &litNode{v: value.FromInt(-lit.v.I)}, nil
		}
		return &negNode{x: v}, nil
	case opcode.Plus:
		return v, nil
	case opcode.Not, opcode.Not2:
		return &notNode{x: v}, nil
	}
	return nil, c.unsupported(x, "operator "+x.Op.String(), "")
}

func (c *converter) list(xs []ast.ExprNode) ([]node, error) {
	out := make([]node, len(xs))
	for i, x := range xs {
		n, err := c.expr(x)
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}

func (c *converter) in(x *ast.PatternInExpr) (node, error) {
	if x.Sel != nil {
		return nil, c.unsupported(x, "IN (subquery)", "")
	}
	v, err := c.expr(x.Expr)
	if err != nil {
		return nil, err
	}
	list, err := c.list(x.List)
	return &inNode{x: v, list: list, not: x.Not}, err
}

func (c *converter) like(x *ast.PatternLikeOrIlikeExpr) (node, error) {
	if !x.IsLike {
		return nil, c.unsupported(x, "ILIKE", "use lower(x) LIKE lower(pattern)")
	}
	v, err := c.expr(x.Expr)
	if err != nil {
		return nil, err
	}
	p, err := c.expr(x.Pattern)
	if err != nil {
		return nil, err
	}
	esc := rune(x.Escape)
	if !x.EscapeExplicit {
		esc = '\\'
	}
	n := &likeNode{x: v, pat: p, esc: esc, not: x.Not}
	if lit, ok := p.(*litNode); ok && !lit.v.IsNull() {
		pre := compileLike(lit.v.String(), esc)
		n.pre = &pre
	}
	return n, nil
}

func (c *converter) between(x *ast.BetweenExpr) (node, error) {
	ns, err := c.list([]ast.ExprNode{x.Expr, x.Left, x.Right})
	if err != nil {
		return nil, err
	}
	return &betweenNode{x: ns[0], lo: ns[1], hi: ns[2], not: x.Not}, nil
}

func (c *converter) cast(x *ast.FuncCastExpr) (node, error) {
	v, err := c.expr(x.Expr)
	if err != nil {
		return nil, err
	}
	if x.FunctionType == ast.CastBinaryOperator {
		return nil, c.unsupported(x, "BINARY", "")
	}
	switch x.Tp.GetType() {
	case mysql.TypeLonglong:
		if mysql.HasUnsignedFlag(x.Tp.GetFlag()) {
			return nil, c.unsupported(x, "CAST AS UNSIGNED", "use SIGNED")
		}
		return &castNode{x: v, to: castSigned}, nil
	case mysql.TypeNewDecimal, mysql.TypeDouble, mysql.TypeFloat:
		return &castNode{x: v, to: castFloat}, nil
	case mysql.TypeVarString, mysql.TypeString, mysql.TypeVarchar:
		return &castNode{x: v, to: castText}, nil
	}
	return nil, c.unsupported(x, "CAST AS "+strings.ToUpper(x.Tp.String()), "use SIGNED, DECIMAL, DOUBLE or CHAR")
}

func (c *converter) call(x *ast.FuncCallExpr) (node, error) {
	spec, ok := lookupFunc(x.FnName.L)
	if !ok {
		return nil, c.unsupported(x, "function "+x.FnName.L+"()",
			"functions are lower, upper, length, char_length, substring, coalesce, abs, round and CAST")
	}
	if len(x.Args) < spec.minArgs || len(x.Args) > spec.maxArgs {
		return nil, &QueryError{Pos: c.pos(x), Msg: fmt.Sprintf("%s() takes %s arguments, got %d", spec.name, argRange(spec), len(x.Args))}
	}
	args, err := c.list(x.Args)
	if err != nil {
		return nil, err
	}
	return &funcNode{name: spec.name, args: args, impl: spec.impl, lazy: spec.lazy}, nil
}

func argRange(s funcSpec) string {
	switch {
	case s.minArgs == s.maxArgs:
		return strconv.Itoa(s.minArgs)
	case s.maxArgs > 100:
		return "at least " + strconv.Itoa(s.minArgs)
	}
	return fmt.Sprintf("%d to %d", s.minArgs, s.maxArgs)
}

var aggFuncs = map[string]aggregate.Func{"count": aggregate.Count, "sum": aggregate.Sum,
	"min": aggregate.Min, "max": aggregate.Max, "avg": aggregate.Avg}

func (c *converter) aggregate(x *ast.AggregateFuncExpr) (node, error) {
	fname := strings.ToLower(x.F)
	fn, ok := aggFuncs[fname]
	if !ok {
		return nil, c.unsupported(x, "aggregate function "+fname+"()", "aggregates are count, sum, min, max and avg")
	}
	if x.Distinct {
		return nil, c.unsupported(x, fname+"(DISTINCT ...)", "not supported yet")
	}
	if c.inAgg {
		return nil, &QueryError{Pos: c.pos(x), Msg: "aggregate functions cannot be nested"}
	}
	if !c.aggsOK {
		return nil, &QueryError{Pos: c.pos(x), Msg: fmt.Sprintf("aggregate function %s() is not allowed in %s", fname, c.where)}
	}
	if len(x.Args) != 1 {
		return nil, &QueryError{Pos: c.pos(x), Msg: fmt.Sprintf("%s() takes 1 argument, got %d", fname, len(x.Args))}
	}
	inner := *c
	inner.inAgg = true
	inner.aliases = nil
	arg, err := inner.expr(x.Args[0])
	if err != nil {
		return nil, err
	}
	if lit, ok := arg.(*litNode); ok && fn == aggregate.Count && !lit.v.IsNull() {
		arg = nil // count(*) and count(1) count rows
	}
	return &aggNode{fn: fn, arg: arg, pos: c.pos(x)}, nil
}
