package query

import (
	"errors"
	"strings"
	"testing"
)

func TestParseErrors(t *testing.T) {
	cases := []struct {
		sql  string
		want any      // pointer to the expected error type
		msg  []string // substrings of the message
	}{
		{"SELECT origin FRM s3object", new(*SyntaxError), []string{"line 1 column", "s3object"}},
		{"SELECT\n origin,\n FROM s3object", new(*SyntaxError), []string{"line 3 column"}},
		{"SELECT a FROM flights", new(*UnsupportedError), []string{`table "flights"`, "line 1 column 15", "s3object"}},
		{"SELECT a FROM s3object JOIN s3object", new(*UnsupportedError), []string{"JOIN", "line 1 column 24"}},
		{"SELECT a FROM s3object, s3object", new(*UnsupportedError), []string{"JOIN"}},
		{"SELECT a FROM (SELECT a FROM s3object) t", new(*UnsupportedError), []string{"subquery"}},
		{"SELECT a FROM s3object WHERE a IN (SELECT b FROM s3object)", new(*UnsupportedError), []string{"IN (subquery)", "line 1 column 30"}},
		{"SELECT (SELECT 1) FROM s3object", new(*UnsupportedError), []string{"subquery"}},
		{"SELECT a FROM s3object UNION SELECT b FROM s3object", new(*UnsupportedError), []string{"UNION", "line 1 column 24"}},
		{"SELECT DISTINCT a FROM s3object", new(*UnsupportedError), []string{"DISTINCT"}},
		{"SELECT count(DISTINCT a) FROM s3object", new(*UnsupportedError), []string{"count(DISTINCT ...)", "not supported yet", "line 1 column 8"}},
		{"SELECT sum(a) OVER () FROM s3object", new(*UnsupportedError), []string{"window function"}},
		{"SELECT * , count(*) FROM s3object", new(*UnsupportedError), []string{"SELECT * with aggregation"}},
		{"SELECT group_concat(a) FROM s3object", new(*UnsupportedError), []string{"group_concat"}},
		{"SELECT md5(a) FROM s3object", new(*UnsupportedError), []string{"function md5()", "line 1 column 8"}},
		{"SELECT CASE WHEN a THEN 1 END FROM s3object", new(*UnsupportedError), []string{"CASE"}},
		{"SELECT a FROM s3object WHERE sum(a) > 1", new(*QueryError), []string{"sum() is not allowed in WHERE", "line 1 column 30"}},
		{"SELECT count(*) FROM s3object GROUP BY count(*)", new(*QueryError), []string{"not allowed in GROUP BY"}},
		{"SELECT sum(max(a)) FROM s3object", new(*QueryError), []string{"cannot be nested"}},
		{"SELECT a, count(*) FROM s3object GROUP BY 3", new(*QueryError), []string{"GROUP BY position 3"}},
		{"SELECT a FROM s3object ORDER BY 0", new(*QueryError), []string{"ORDER BY position 0"}},
		{"SELECT round(a, 1, 2) FROM s3object", new(*QueryError), []string{"round() takes 1 to 2 arguments"}},
		{"SELECT a FROM s3object LIMIT ?", new(*UnsupportedError), []string{"LIMIT"}},
		{"DELETE FROM s3object", new(*UnsupportedError), []string{"only SELECT"}},
		{"SELECT 1", new(*QueryError), []string{"FROM s3object is required"}},
	}
	for _, c := range cases {
		_, err := Parse(c.sql)
		if err == nil {
			t.Errorf("%q: no error", c.sql)
			continue
		}
		if !errors.As(err, c.want) {
			t.Errorf("%q: error %T (%v), want %T", c.sql, err, err, c.want)
		}
		for _, m := range c.msg {
			if !strings.Contains(err.Error(), m) {
				t.Errorf("%q: error %q lacks %q", c.sql, err, m)
			}
		}
	}
}

func TestParseAccepts(t *testing.T) {
	for _, sql := range []string{
		"select origin, count(*) from S3Object group by origin",
		"SELECT s.origin AS o, max(s.delay) - min(s.delay) FROM s3object AS s GROUP BY 1 ORDER BY 2 DESC LIMIT 5 OFFSET 2",
		"SELECT _1, _3 FROM s3object WHERE _2 BETWEEN 1 AND 10 AND _4 NOT IN ('a', 'b') AND _5 LIKE 'x!%%' ESCAPE '!'",
		"SELECT cast(delay AS signed), cast(delay AS decimal), cast(delay AS double), cast(delay AS char) FROM s3object",
		"SELECT lower(a), upper(a), length(a), char_length(a), substring(a, 2), coalesce(a, b, 'x'), abs(a), round(a, 1) FROM s3object",
		"SELECT a FROM s3object WHERE a IS NOT NULL AND NOT (b IS NULL) OR a XOR b",
		"SELECT * FROM s3object LIMIT 3, 4",
	} {
		if _, err := Parse(sql); err != nil {
			t.Errorf("%q: %v", sql, err)
		}
	}
}

func TestBindErrors(t *testing.T) {
	csv := Schema{Kind: SchemaCSV, Columns: flightCols, NumFields: 5}
	noHeader := Schema{Kind: SchemaCSV, NumFields: 3}
	jsonS := Schema{Kind: SchemaJSON, Paths: []string{"a", "b.c", "b.d"}}
	lines := Schema{Kind: SchemaLines}
	cases := []struct {
		sql  string
		s    Schema
		want any
		msg  []string
	}{
		{"SELECT foo FROM s3object", csv, new(*ColumnError), []string{`column "foo" does not exist; columns are: date, delay, distance, origin, destination`, "line 1 column 8"}},
		{"SELECT origin FROM s3object\nWHERE bogus > 1", csv, new(*ColumnError), []string{`"bogus"`, "line 2 column 7"}},
		{"SELECT x.origin FROM s3object s", csv, new(*ColumnError), []string{`"x.origin"`, "qualifier"}},
		{"SELECT _6 FROM s3object", csv, new(*ColumnError), []string{`"_6"`, "5 fields"}},
		{"SELECT _4 FROM s3object", noHeader, new(*ColumnError), []string{"3 fields", "_1, _2, _3"}},
		{"SELECT origin FROM s3object", noHeader, new(*ColumnError), []string{"no header"}},
		{"SELECT a.x FROM s3object", jsonS, new(*ColumnError), []string{`"a.x" was not seen in the first records sampled; fields seen: a, b.c, b.d`}},
		{"SELECT `b.e` FROM s3object", jsonS, new(*ColumnError), []string{"not seen"}},
		{"SELECT * FROM s3object", jsonS, new(*UnsupportedError), []string{"SELECT * on JSON"}},
		{"SELECT word FROM s3object", lines, new(*ColumnError), []string{"_1", "line"}},
		{"SELECT origin, delay, count(*) FROM s3object GROUP BY origin", csv, new(*QueryError), []string{`column "delay" in the select list must appear in GROUP BY`, "line 1 column 16"}},
		{"SELECT origin FROM s3object GROUP BY lower(origin)", csv, new(*QueryError), []string{`"origin"`, "GROUP BY"}},
		{"SELECT count(*) FROM s3object HAVING delay > 1", csv, new(*QueryError), []string{`"delay" in HAVING`}},
		{"SELECT * FROM s3object", Schema{Kind: SchemaCSV}, new(*QueryError), []string{"SELECT * needs"}},
	}
	for _, c := range cases {
		q, err := Parse(c.sql)
		if err != nil {
			t.Errorf("%q: parse: %v", c.sql, err)
			continue
		}
		_, err = Bind(q, c.s)
		if err == nil {
			t.Errorf("%q: no error", c.sql)
			continue
		}
		if !errors.As(err, c.want) {
			t.Errorf("%q: error %T (%v), want %T", c.sql, err, err, c.want)
		}
		for _, m := range c.msg {
			if !strings.Contains(err.Error(), m) {
				t.Errorf("%q: error %q lacks %q", c.sql, err, m)
			}
		}
	}
}

func TestBindColumns(t *testing.T) {
	cases := []struct {
		sql  string
		s    Schema
		want string // Columns() rendered
	}{
		{"SELECT origin, ORIGIN, s.origin, s3object.origin, _4 FROM s3object s", Schema{Kind: SchemaCSV, Columns: flightCols}, "3"},
		{"SELECT Delay, _1 FROM s3object WHERE _1 > 0", Schema{Kind: SchemaCSV, Columns: flightCols}, "0 1"},
		{"SELECT * FROM s3object", Schema{Kind: SchemaCSV, NumFields: 3}, "0 1 2"},
		{"SELECT line, _1 FROM s3object", Schema{Kind: SchemaLines}, "0"},
		{"SELECT a.b.c, `a.b.c`, s.a.b, `x.y.z.w` FROM s3object s", Schema{Kind: SchemaJSON}, "a.b.c a.b x.y.z.w"},
		{"SELECT b FROM s3object", Schema{Kind: SchemaJSON, Paths: []string{"b.c"}}, "b"},
	}
	for _, c := range cases {
		q, err := Parse(c.sql)
		if err != nil {
			t.Fatalf("%q: %v", c.sql, err)
		}
		p, err := Bind(q, c.s)
		if err != nil {
			t.Fatalf("%q: %v", c.sql, err)
		}
		var got []string
		for _, r := range p.Columns() {
			if r.Path != nil {
				got = append(got, strings.Join(r.Path, "."))
			} else {
				got = append(got, string(rune('0'+r.Index)))
			}
		}
		if g := strings.Join(got, " "); g != c.want {
			t.Errorf("%q: columns %q, want %q", c.sql, g, c.want)
		}
	}
}

func TestEmptyAndMultipleStatements(t *testing.T) {
	for sql, want := range map[string]string{
		"":    "syntax error: the query is empty",
		"   ": "syntax error: the query is empty",
		"SELECT count(*) FROM s3object; SELECT 1 FROM s3object":  "syntax error: line 1 column 32: only one statement is allowed",
		"SELECT count(*) FROM s3object;\nSELECT 1 FROM s3object": "syntax error: line 2 column 1: only one statement is allowed",
	} {
		_, err := Parse(sql)
		var se *SyntaxError
		if !errors.As(err, &se) || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%q: got %v, want prefix %q", sql, err, want)
		}
	}
	if _, err := Parse("SELECT count(*) FROM s3object;"); err != nil {
		t.Errorf("a trailing semicolon: %v", err)
	}
}
