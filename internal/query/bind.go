package query

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// SchemaKind is the record format of the object.
type SchemaKind uint8

const (
	SchemaCSV   SchemaKind = iota + 1 // delimited fields; columns by header name or _N
	SchemaJSON                        // JSON Lines; columns by (dotted) field path
	SchemaLines                       // text lines; the one column is _1 or line
)

// Schema is what Bind knows about the object's records.
type Schema struct {
	Kind SchemaKind
	// Columns are the CSV header names; nil when the CSV has no header.
	Columns []string
	// NumFields is the CSV field count of the first record, used to check
	// _N references and to expand SELECT *; 0 means unknown.
	NumFields int
	// Paths are the dotted JSON field paths seen in a sample of records; nil
	// means don't validate JSON references.
	Paths []string
}

// ColumnRef is one column the decoder must produce. For CSV and lines,
// Index is the 0-based field index (lines: always 0, the whole line) and Path
// is nil. For JSON, Path is the field path (["a","b"] for a.b) and Index is 0.
type ColumnRef struct {
	Index int
	Path  []string
}

// Bind resolves q's column references against s and plans its evaluation.
// It returns a *ColumnError for a column that does not resolve, a
// *QueryError for a non-aggregated column missing from GROUP BY, and an
// *UnsupportedError for SELECT * on JSON.
func Bind(q *Query, s Schema) (*Plan, error) {
	switch s.Kind {
	case SchemaCSV, SchemaJSON, SchemaLines:
	default:
		return nil, fmt.Errorf("binding query: unknown schema kind %d", s.Kind)
	}
	return build(q, &s)
}

// resolveRef maps a column reference to the field it reads and a key that
// is equal for equal fields.
func (s *Schema) resolveRef(c *colNode) (ColumnRef, string, error) {
	switch s.Kind {
	case SchemaLines:
		if len(c.parts) == 1 && (c.parts[0] == "_1" || strings.EqualFold(c.parts[0], "line")) {
			return ColumnRef{}, "0", nil
		}
		return ColumnRef{}, "", s.colErr(c, "does not exist (a lines object has one column, _1 or line)", []string{"_1", "line"})
	case SchemaJSON:
		return s.resolveJSON(c)
	}
	return s.resolveCSV(c)
}

func (s *Schema) colErr(c *colNode, reason string, known []string) error {
	return &ColumnError{Pos: c.pos, Name: c.name, Reason: reason, Known: known, Kind: s.Kind}
}

func (s *Schema) resolveCSV(c *colNode) (ColumnRef, string, error) {
	if len(c.parts) != 1 {
		return ColumnRef{}, "", s.colErr(c, "does not exist (its qualifier is not s3object or the FROM alias)", s.csvNames())
	}
	name := c.parts[0]
	if i, n := indexOf(s.Columns, name, strings.EqualFold); n == 1 || slices.Contains(s.Columns, name) {
		if j := slices.Index(s.Columns, name); j >= 0 {
			i = j // an exact match wins over case-insensitive ones
		}
		return ColumnRef{Index: i}, strconv.Itoa(i), nil
	} else if n > 1 {
		return ColumnRef{}, "", s.colErr(c, fmt.Sprintf("is ambiguous: %d columns match it ignoring case", n), s.Columns)
	}
	if k, ok := position(name); ok {
		if s.NumFields > 0 && k > s.NumFields {
			return ColumnRef{}, "", s.colErr(c, fmt.Sprintf("is past the last field: records have %d fields", s.NumFields), s.csvNames())
		}
		return ColumnRef{Index: k - 1}, strconv.Itoa(k - 1), nil
	}
	reason := "does not exist"
	if s.Columns == nil {
		reason = "does not exist (the CSV has no header; refer to fields by position)"
	}
	return ColumnRef{}, "", s.colErr(c, reason, s.csvNames())
}

// indexOf returns the first index of name in names under eq and how many
// entries match.
func indexOf(names []string, name string, eq func(a, b string) bool) (int, int) {
	first, n := -1, 0
	for i, x := range names {
		if eq(x, name) {
			if n == 0 {
				first = i
			}
			n++
		}
	}
	return first, n
}

// position parses an S3 Select positional reference _N (N >= 1).
func position(name string) (int, bool) {
	if len(name) < 2 || name[0] != '_' || name[1] == '0' {
		return 0, false
	}
	k, err := strconv.Atoi(name[1:])
	return k, err == nil && k >= 1
}

func (s *Schema) csvNames() []string {
	if s.Columns != nil {
		return s.Columns
	}
	if s.NumFields == 0 {
		return nil
	}
	names := make([]string, s.NumFields)
	for i := range names {
		names[i] = "_" + strconv.Itoa(i+1)
	}
	return names
}

func (s *Schema) resolveJSON(c *colNode) (ColumnRef, string, error) {
	var path []string
	for _, p := range c.parts {
		path = append(path, strings.Split(p, ".")...)
	}
	joined := strings.Join(path, ".")
	if slices.Contains(path, "") {
		return ColumnRef{}, "", s.colErr(c, "has an empty path segment", nil)
	}
	if s.Paths != nil && !slices.ContainsFunc(s.Paths, func(p string) bool {
		return p == joined || strings.HasPrefix(p, joined+".")
	}) {
		return ColumnRef{}, "", s.colErr(c, "was not seen in the first records sampled", s.Paths)
	}
	return ColumnRef{Path: path}, joined, nil
}
