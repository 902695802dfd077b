package query

import (
	"errors"
	"strings"
	"testing"

	"github.com/batonrun/baton/internal/value"
)

// evalOne evaluates expr over one CSV record with columns a, b, c (an empty
// field is NULL) and renders the value ("NULL" for NULL).
func evalOne(t *testing.T, expr string, fields ...string) string {
	t.Helper()
	res, err := runCSV(t, "SELECT "+expr+" FROM s3object", []string{"a", "b", "c"}, strings.Join(fields, ","))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return render2D(res.Rows)
}

func TestExpressions(t *testing.T) {
	cases := []struct {
		expr   string
		fields []string
		want   string
	}{
		// three-valued logic
		{"a = 1", []string{"", "", ""}, "NULL"},
		{"a = NULL", []string{"1", "", ""}, "NULL"},
		{"NOT (a = 1)", []string{"", "", ""}, "NULL"},
		{"a = 1 OR b = 2", []string{"", "2", ""}, "true"},
		{"a = 1 OR b = 2", []string{"", "3", ""}, "NULL"},
		{"a = 1 AND b = 2", []string{"", "3", ""}, "false"},
		{"a = 1 AND b = 2", []string{"", "2", ""}, "NULL"},
		{"a = 1 XOR b = 2", []string{"1", "3", ""}, "true"},
		{"a = 1 XOR b = 2", []string{"1", "", ""}, "NULL"},
		{"a <=> b", []string{"", "", ""}, "true"},
		{"a IS NULL, b IS NOT NULL", []string{"", "x", ""}, "true,true"},
		{"a IS TRUE, a IS NOT FALSE, b IS FALSE", []string{"", "0", ""}, "false,true,true"},
		// IN with NULL
		{"a IN (1, 2)", []string{"2", "", ""}, "true"},
		{"a IN (1, NULL)", []string{"2", "", ""}, "NULL"},
		{"a IN (2, NULL)", []string{"2", "", ""}, "true"},
		{"a NOT IN (1, NULL)", []string{"2", "", ""}, "NULL"},
		{"a NOT IN (1, 3)", []string{"2", "", ""}, "true"},
		{"a IN (1, 2)", []string{"", "", ""}, "NULL"},
		{"a IN ('x', b)", []string{"y", "y", ""}, "true"},
		// numeric vs text comparison
		{"a > 9", []string{"10", "", ""}, "true"},   // Text vs Int: numeric
		{"a > b", []string{"10", "9", ""}, "false"}, // Text vs Text: string order
		{"CAST(a AS SIGNED) > b", []string{"10", "9", ""}, "true"},
		{"a = 1.0", []string{"1", "", ""}, "true"},
		{"a = 'abc'", []string{"abc", "", ""}, "true"},
		{"a BETWEEN 2 AND 10", []string{"5", "", ""}, "true"},
		{"a NOT BETWEEN 2 AND 10", []string{"11", "", ""}, "true"},
		{"a BETWEEN b AND 10", []string{"11", "", ""}, "false"},
		{"a BETWEEN b AND 10", []string{"5", "", ""}, "NULL"},
		// LIKE
		{"a LIKE 'ab%'", []string{"abc", "", ""}, "true"},
		{"a LIKE 'a_c'", []string{"aéc", "", ""}, "true"},
		{"a LIKE 'a_c'", []string{"abbc", "", ""}, "false"},
		{"a LIKE '%b%'", []string{"abc", "", ""}, "true"},
		{"a LIKE 'ABC'", []string{"abc", "", ""}, "false"},
		{`a LIKE '50\%'`, []string{"50%", "", ""}, "true"},
		{`a LIKE '50\%'`, []string{"500", "", ""}, "false"},
		{"a LIKE '5!_0' ESCAPE '!'", []string{"5_0", "", ""}, "true"},
		{"a LIKE '5!_0' ESCAPE '!'", []string{"510", "", ""}, "false"},
		{"a NOT LIKE '%z'", []string{"abc", "", ""}, "true"},
		{"a LIKE b", []string{"abc", "a%", ""}, "true"},
		{"a LIKE 'x%'", []string{"", "", ""}, "NULL"},
		{"a LIKE '%%a%_'", []string{"banana", "", ""}, "true"},
		// arithmetic
		{"a + b, a - b, a * b", []string{"7", "2", ""}, "9,5,14"},
		{"a / b, a % b", []string{"7", "2", ""}, "3.5,1"},
		{"a / b, a % b", []string{"7", "0", ""}, "NULL,NULL"},
		{"a / 0.0", []string{"7", "", ""}, "NULL"},
		{"a + 0.5", []string{"1", "", ""}, "1.5"},
		{"-a, - -a", []string{"3", "", ""}, "-3,3"},
		{"a + b", []string{"1", "", ""}, "NULL"},
		{"9223372036854775807 - 1", []string{"", "", ""}, "9223372036854775806"},
		// functions and casts
		{"lower(a), upper(a), length(a), char_length(a)", []string{"Héllo", "", ""}, "héllo,HÉLLO,6,5"},
		{"substring(a, 2), substring(a, 2, 3), substring(a, -3), substring(a, 0)", []string{"abcdef", "", ""}, "bcdef,bcd,def,"},
		{"coalesce(a, b, 'z'), coalesce(a, c)", []string{"", "y", ""}, "y,NULL"},
		{"abs(a), round(b), round(b, 1), round(c, -1)", []string{"-4", "2.45", "15"}, "4,2,2.5,20"},
		{"round(2.675, 2), round(-2.5)", []string{"", "", ""}, "2.68,-3"},
		{"CAST(a AS SIGNED), CAST(a AS DOUBLE), CAST(b AS CHAR)", []string{"2.5", "7", ""}, "3,2.5,7"},
		{"CAST(a AS DECIMAL) + 1", []string{"2", "", ""}, "3"},
	}
	for _, c := range cases {
		if got := evalOne(t, c.expr, c.fields...); got != c.want {
			t.Errorf("%s with %q: got %s, want %s", c.expr, c.fields, got, c.want)
		}
	}
}

func TestValueErrors(t *testing.T) {
	secret := "s3cr3t-value"
	cases := []struct{ sql, want string }{
		{"SELECT sum(delay) FROM s3object", "sum(delay): value at byte offset 100 is not a number"},
		{"SELECT avg(delay) FROM s3object", "avg(delay): value at byte offset 100 is not a number"},
		{"SELECT delay + 1 FROM s3object", "delay + 1: value at byte offset 100 is not a number"},
		{"SELECT abs(delay) FROM s3object", "abs(delay): value at byte offset 100 is not a number"},
		{"SELECT CAST(delay AS SIGNED) FROM s3object", "byte offset 100 is not a number"},
		{"SELECT delay * 9223372036854775807 FROM s3object WHERE origin = 'A'", "value at byte offset 0 is out of range"},
	}
	for _, c := range cases {
		_, err := runCSV(t, c.sql, flightCols, "1,5,1,A,B", "1,"+secret+",1,C,D")
		var ve *ValueError
		if !errors.As(err, &ve) {
			t.Errorf("%s: error %v, want *ValueError", c.sql, err)
			continue
		}
		if !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), secret) {
			t.Errorf("%s: error %q, want %q and no record contents", c.sql, err, c.want)
		}
	}
}

func TestQueries(t *testing.T) {
	data := []string{
		"1,5,100,SFO,LAX",
		"2,-3,50,SFO,LAX",
		"3,10,300,OAK,SEA",
		"4,,400,SFO,SEA",
		"5,7,20,LAX,SFO",
	}
	cases := []struct{ sql, want string }{
		{"SELECT origin, count(*), count(delay), sum(delay), min(delay), max(delay), avg(delay) FROM s3object GROUP BY origin",
			"LAX,1,1,7,7,7,7; OAK,1,1,10,10,10,10; SFO,3,2,2,-3,5,1"},
		{"SELECT origin, count(*) AS n FROM s3object GROUP BY origin ORDER BY n DESC, origin DESC", "SFO,3; OAK,1; LAX,1"},
		{"SELECT origin, count(*) FROM s3object GROUP BY 1 ORDER BY count(*) DESC LIMIT 1", "SFO,3"},
		{"SELECT origin AS o, max(delay) - min(delay) FROM s3object GROUP BY o HAVING count(*) > 1", "SFO,8"},
		{"SELECT lower(origin), sum(distance) / count(*) FROM s3object GROUP BY lower(origin) ORDER BY 2", "lax,20; sfo,183.33333333333334; oak,300"},
		{"SELECT count(*), sum(delay), avg(delay), min(origin) FROM s3object WHERE origin = 'JFK'", "0,NULL,NULL,NULL"},
		{"SELECT count(*) FROM s3object WHERE delay > 0", "3"},
		{"SELECT count(*) FROM s3object WHERE NOT (delay > 0)", "1"},
		{"SELECT date FROM s3object WHERE origin = 'SFO'", "1; 2; 4"},
		{"SELECT date, delay FROM s3object ORDER BY delay DESC", "3,10; 5,7; 1,5; 2,-3; 4,NULL"},
		{"SELECT date FROM s3object ORDER BY origin, date DESC LIMIT 2 OFFSET 1", "3; 4"},
		{"SELECT date FROM s3object LIMIT 2", "1; 2"},
		{"SELECT date FROM s3object LIMIT 0", ""},
		{"SELECT date FROM s3object LIMIT 10 OFFSET 4", "5"},
		{"SELECT * FROM s3object WHERE date = 3", "3,10,300,OAK,SEA"},
		{"SELECT min(origin), max(destination) FROM s3object", "LAX,SFO"},
		{"SELECT destination, count(*) FROM s3object WHERE distance BETWEEN 50 AND 400 GROUP BY destination", "LAX,2; SEA,2"},
	}
	for _, c := range cases {
		res, err := runCSV(t, c.sql, flightCols, data...)
		if err != nil {
			t.Errorf("%s: %v", c.sql, err)
			continue
		}
		if got := render2D(res.Rows); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.sql, got, c.want)
		}
	}
}

func TestResultColumns(t *testing.T) {
	res, err := runCSV(t, "SELECT s.origin, count(*), sum(delay) AS total FROM s3object s GROUP BY s.origin", flightCols, "1,2,3,A,B")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(res.Columns, "|"); got != "origin|count(*)|total" {
		t.Fatalf("columns %q", got)
	}
}

func TestLimits(t *testing.T) {
	q, _ := Parse("SELECT origin, count(*) FROM s3object GROUP BY origin")
	p, err := Bind(q, Schema{Kind: SchemaCSV, Columns: flightCols})
	if err != nil {
		t.Fatal(err)
	}
	acc := p.NewAccumulator(Options{MaxGroups: 2})
	var addErr error
	for i, o := range []string{"A", "B", "A", "C"} {
		if addErr = acc.Add(csvRow{fields: []string{"", "", "", o, ""}, cols: p.Columns()}, int64(i)); addErr != nil {
			break
		}
	}
	if !errors.Is(addErr, ErrTooManyGroups) || !strings.Contains(addErr.Error(), "limit 2") {
		t.Fatalf("groups: got %v", addErr)
	}
	q, _ = Parse("SELECT origin FROM s3object")
	p, _ = Bind(q, Schema{Kind: SchemaCSV, Columns: flightCols})
	acc = p.NewAccumulator(Options{MaxRows: 2})
	for i := range 3 {
		addErr = acc.Add(csvRow{fields: []string{"", "", "", "x", ""}, cols: p.Columns()}, int64(i))
	}
	if !errors.Is(addErr, ErrTooManyRows) || !strings.Contains(addErr.Error(), "LIMIT") {
		t.Fatalf("rows: got %v", addErr)
	}
	if err := (Options{MaxGroups: -1, MaxRows: -1}).Validate(); err == nil || !strings.Contains(err.Error(), "MaxRows") || !strings.Contains(err.Error(), "MaxGroups") {
		t.Fatalf("Validate: %v", err)
	}
}

func TestJSONValues(t *testing.T) {
	q, err := Parse("SELECT s.user.name, count(*), sum(n), max(flag) FROM s3object s WHERE flag = TRUE OR n > 1.5 GROUP BY s.user.name")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Bind(q, Schema{Kind: SchemaJSON})
	if err != nil {
		t.Fatal(err)
	}
	recs := []map[string]value.Value{
		{"user.name": value.FromText("ann"), "n": value.FromInt(1), "flag": value.FromBool(true)},
		{"user.name": value.FromText("ann"), "n": value.FromFloat(2.5), "flag": value.FromBool(false)},
		{"user.name": value.FromText("bob"), "n": value.FromInt(1), "flag": value.FromBool(false)},
	}
	acc := p.NewAccumulator(Options{})
	for i, r := range recs {
		if err := acc.Add(mapRow{vals: r, cols: p.Columns()}, int64(i)); err != nil {
			t.Fatal(err)
		}
	}
	res, err := p.Finalize(acc.Partial())
	if err != nil {
		t.Fatal(err)
	}
	if got := render2D(res.Rows); got != "ann,2,3.5,true" {
		t.Fatalf("got %s", got)
	}
}

// whereAccumulator counts the records of a two-column CSV (a, b) that
// match where; b is the only column read, so it is slot 0.
func whereAccumulator(t *testing.T, where string) *Accumulator {
	t.Helper()
	q, err := Parse("SELECT count(*) FROM s3object WHERE " + where)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Bind(q, Schema{Kind: SchemaCSV, Columns: []string{"a", "b"}, NumFields: 2})
	if err != nil {
		t.Fatal(err)
	}
	return p.NewAccumulator(Options{})
}

// A number compared with text that is not a number has no right answer:
// comparisons, IN and BETWEEN make it an error naming the offset, never a
// silently counted record.
func TestNumberVersusTextIsAnError(t *testing.T) {
	for _, where := range []string{"b > 2", "b = 1", "b IN (1, 2)", "b NOT IN (1, 2)", "b BETWEEN 1 AND 3", "b NOT BETWEEN 1 AND 3"} {
		acc := whereAccumulator(t, where)
		if err := acc.Add(textRow{"2"}, 0); err != nil {
			t.Fatalf("%s on a number: %v", where, err)
		}
		var ve *ValueError
		if err := acc.Add(textRow{"abc"}, 8); !errors.As(err, &ve) || ve.OffsetBytes != 8 {
			t.Fatalf("%s on text: got %v, want a ValueError at offset 8", where, err)
		}
	}
}

type textRow []string

func (r textRow) Value(slot int) value.Value { return value.FromText(r[slot]) }
