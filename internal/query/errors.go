package query

import (
	"fmt"
	"strings"

	"github.com/batonrun/baton/aggregate"
	"github.com/batonrun/baton/internal/value"
)

// Limit errors, re-exported from package aggregate so callers can test with
// errors.Is against either name.
var (
	ErrTooManyGroups = aggregate.ErrTooManyGroups
	ErrTooManyRows   = aggregate.ErrTooManyRows
)

// Pos is a place in the SQL text: 1-based line and column (in characters).
// The zero Pos means unknown.
type Pos struct{ Line, Column int }

func (p Pos) String() string {
	if p.Line == 0 {
		return ""
	}
	return fmt.Sprintf("line %d column %d", p.Line, p.Column)
}

func withPos(p Pos, msg string) string {
	if p.Line == 0 {
		return msg
	}
	return p.String() + ": " + msg
}

// SyntaxError is SQL the parser rejects.
type SyntaxError struct {
	Pos
	Msg string // the parser's message, e.g. `near "frm s3object"`
}

func (e *SyntaxError) Error() string { return "syntax error: " + withPos(e.Pos, e.Msg) }

// UnsupportedError is valid SQL using a construct Baton does not run.
type UnsupportedError struct {
	Pos
	Construct string // e.g. "JOIN", "window function"
	Hint      string // optional advice
}

func (e *UnsupportedError) Error() string {
	msg := e.Construct + " is not supported"
	if e.Hint != "" {
		msg += "; " + e.Hint
	}
	return withPos(e.Pos, msg)
}

// ColumnError is a column reference that does not resolve against the
// object's schema (unknown, ambiguous, or a position past the field count).
type ColumnError struct {
	Pos
	Name   string   // the reference as written
	Reason string   // e.g. "does not exist"
	Known  []string // the columns or fields that do exist
	Kind   SchemaKind
}

func (e *ColumnError) Error() string {
	msg := fmt.Sprintf("column %q %s", e.Name, e.Reason)
	if len(e.Known) > 0 {
		label := "columns are: "
		if e.Kind == SchemaJSON {
			label = "fields seen: "
		}
		msg += "; " + label + listNames(e.Known, 40)
	}
	return withPos(e.Pos, msg)
}

func listNames(names []string, limit int) string {
	if len(names) <= limit {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s, … (%d more)", strings.Join(names[:limit], ", "), len(names)-limit)
}

// QueryError is a semantic problem in a query (for example a column that is
// neither grouped nor aggregated, or an aggregate in WHERE).
type QueryError struct {
	Pos
	Msg string
}

func (e *QueryError) Error() string { return withPos(e.Pos, e.Msg) }

// ValueError is a record value an expression cannot use, such as text that
// is not a number in sum(). By the privacy rule its message never holds the
// record's contents: only the expression, where the record starts and why.
// Value, when known, is the offending value for a caller that was asked to
// show it (baton's --show-bad-values); Error never prints it.
type ValueError struct {
	Expr        string // the expression, e.g. "sum(delay)"
	OffsetBytes int64  // the record's first byte in the object; -1 when not tied to one record
	Reason      string // e.g. "is not a number"
	Value       string // the offending value, rendered; "" when unknown. Not in Error.
}

func (e *ValueError) Error() string {
	if e.OffsetBytes < 0 {
		return fmt.Sprintf("%s: value %s", e.Expr, e.Reason)
	}
	return fmt.Sprintf("%s: value at byte offset %d %s", e.Expr, e.OffsetBytes, e.Reason)
}

// notNumberReason is a ValueError's Reason for v, a value that had to be a
// number: an integer past int64 (the text of a sum that overflowed, or such
// digits in the data) is named as such, since it looks like a number.
func notNumberReason(v value.Value) string {
	if v.Kind == value.Text && value.IsBigInteger(v.S) {
		return "is an integer past int64, which arithmetic would round (with an exponent, e.g. 9.3e18, it reads as a float)"
	}
	return "is not a number"
}
