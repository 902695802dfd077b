package query

import (
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/pingcap/tidb/pkg/parser"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/test_driver"
)

// Query is a parsed, checked SELECT that is not yet bound to a schema.
// It is immutable and safe to Bind concurrently.
type Query struct {
	sql      string
	stmt     *ast.SelectStmt
	alias    string // FROM alias, "" if none
	hasLimit bool
	limit    int64
	offset   int64
}

// SQL returns the query text as given to Parse.
func (q *Query) SQL() string { return q.sql }

var parserPos = regexp.MustCompile(`line (\d+) column (\d+) (near .*)`)

// Parse parses sql and checks that it only uses supported constructs (see
// the package doc). Errors are *SyntaxError, *UnsupportedError or
// *QueryError, each with the line and column when the parser knows it.
// Column names are checked later, by Bind.
func Parse(sql string) (*Query, error) {
	stmt, err := parseOne(sql)
	if err != nil {
		return nil, err
	}
	q := &Query{sql: sql}
	if err := q.checkStatement(stmt); err != nil {
		return nil, err
	}
	if _, err := build(q, nil); err != nil {
		return nil, err
	}
	return q, nil
}

// parseOne parses sql as exactly one statement. An empty query and a
// second statement are syntax errors with a position.
func parseOne(sql string) (ast.StmtNode, error) {
	stmts, _, err := parser.New().ParseSQL(sql)
	if err != nil {
		return nil, syntaxError(err)
	}
	switch len(stmts) {
	case 0:
		return nil, &SyntaxError{Msg: "the query is empty; want SELECT … FROM s3object"}
	case 1:
		return stmts[0], nil
	}
	// The parser keeps each statement's text, not its offset: find the
	// second statement after the first one's text.
	first := max(strings.Index(sql, stmts[0].Text()), 0) + len(stmts[0].Text())
	second := first + max(strings.Index(sql[first:], strings.TrimSpace(stmts[1].Text())), 0)
	return nil, &SyntaxError{Pos: posAt(sql, second), Msg: "only one statement is allowed"}
}

func syntaxError(err error) error {
	msg := strings.TrimSpace(err.Error())
	m := parserPos.FindStringSubmatch(msg)
	if m == nil {
		return &SyntaxError{Msg: msg}
	}
	line, _ := strconv.Atoi(m[1])
	col, _ := strconv.Atoi(m[2])
	return &SyntaxError{Pos: Pos{Line: line, Column: col}, Msg: strings.TrimSpace(m[3])}
}

// wordPos finds the first whole-word, case-insensitive occurrence of word in
// sql at or after from, for constructs the parser gives no position for.
func wordPos(sql, word string, from int) Pos {
	lower, w := strings.ToLower(sql), strings.ToLower(word)
	for i := from; i < len(lower); {
		j := strings.Index(lower[i:], w)
		if j < 0 {
			break
		}
		j += i
		end := j + len(w)
		if (j == 0 || !isIdent(lower[j-1])) && (end == len(lower) || !isIdent(lower[end])) {
			return posAt(sql, j)
		}
		i = j + 1
	}
	return Pos{}
}

func isIdent(b byte) bool {
	return b == '_' || b == '`' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9'
}

func (q *Query) unsupported(word, construct, hint string) error {
	return &UnsupportedError{Pos: wordPos(q.sql, word, 0), Construct: construct, Hint: hint}
}

func (q *Query) checkStatement(stmt ast.StmtNode) error {
	switch s := stmt.(type) {
	case *ast.SelectStmt:
		q.stmt = s
	case *ast.SetOprStmt:
		return q.unsupported("union", "UNION, INTERSECT and EXCEPT", "")
	default:
		return &UnsupportedError{Pos: Pos{Line: 1, Column: 1}, Construct: "this statement", Hint: "only SELECT ... FROM s3object is supported"}
	}
	s := q.stmt
	switch {
	case s.Kind != ast.SelectStmtKindSelect:
		return &UnsupportedError{Pos: Pos{Line: 1, Column: 1}, Construct: "TABLE and VALUES statements"}
	case s.With != nil:
		return q.unsupported("with", "WITH (common table expressions)", "")
	case s.Distinct:
		return q.unsupported("distinct", "SELECT DISTINCT", "use GROUP BY")
	case len(s.WindowSpecs) > 0:
		return q.unsupported("window", "WINDOW clause", "")
	case s.LockInfo != nil && s.LockInfo.LockType != ast.SelectLockNone:
		return q.unsupported("for", "FOR UPDATE / LOCK IN SHARE MODE", "")
	case s.SelectIntoOpt != nil:
		return q.unsupported("into", "SELECT ... INTO", "")
	case s.GroupBy != nil && s.GroupBy.Rollup:
		return q.unsupported("rollup", "WITH ROLLUP", "")
	case s.From == nil:
		return &QueryError{Pos: Pos{Line: 1, Column: 1}, Msg: "FROM s3object is required"}
	}
	if err := q.checkFrom(s.From.TableRefs); err != nil {
		return err
	}
	return q.checkLimit(s.Limit)
}

func (q *Query) checkFrom(j *ast.Join) error {
	if j.Right != nil {
		return q.unsupported("join", "JOIN (or a comma-separated table list)", "query the one object, s3object")
	}
	if inner, ok := j.Left.(*ast.Join); ok {
		return q.checkFrom(inner)
	}
	ts, ok := j.Left.(*ast.TableSource)
	if !ok {
		return q.unsupported("from", "this FROM clause", "")
	}
	tn, ok := ts.Source.(*ast.TableName)
	if !ok {
		return q.unsupported("from", "subquery in FROM", "")
	}
	if tn.Schema.O != "" || tn.Name.L != "s3object" {
		name := tn.Name.O
		return &UnsupportedError{Pos: wordPos(q.sql, name, 0), Construct: "table " + strconv.Quote(name),
			Hint: "the only table is s3object (the object being queried)"}
	}
	q.alias = ts.AsName.O
	return nil
}

func (q *Query) checkLimit(l *ast.Limit) error {
	if l == nil {
		return nil
	}
	q.hasLimit = true
	var err error
	if q.limit, err = q.limitValue(l.Count); err != nil {
		return err
	}
	if l.Offset != nil {
		q.offset, err = q.limitValue(l.Offset)
	}
	return err
}

func (q *Query) limitValue(x ast.ExprNode) (int64, error) {
	v, ok := x.(*test_driver.ValueExpr)
	if !ok {
		return 0, q.unsupported("limit", "non-literal LIMIT or OFFSET", "")
	}
	switch v.Kind() {
	case test_driver.KindUint64:
		if u := v.GetUint64(); u <= math.MaxInt64/2 {
			return int64(u), nil
		}
	case test_driver.KindInt64:
		if i := v.GetInt64(); i >= 0 && i <= math.MaxInt64/2 {
			return i, nil
		}
	}
	return 0, q.unsupported("limit", "this LIMIT or OFFSET value", "use a non-negative integer")
}
