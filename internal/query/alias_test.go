package query

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/batonrun/baton/internal/value"
)

// aliasRow presents fields as the record decoder does: Text that aliases
// one shared buffer, which the test scribbles over after every Add.
type aliasRow struct {
	buf    []byte
	starts []int // field i is buf[starts[i]:starts[i+1]]
	cols   []ColumnRef
}

func (r *aliasRow) load(fields []string) {
	r.buf, r.starts = r.buf[:0], append(r.starts[:0], 0)
	for _, f := range fields {
		r.buf = append(r.buf, f...)
		r.starts = append(r.starts, len(r.buf))
	}
}

func (r *aliasRow) Value(slot int) value.Value {
	i := r.cols[slot].Index
	if i+1 >= len(r.starts) || r.starts[i] == r.starts[i+1] {
		return value.NullValue
	}
	f := r.buf[r.starts[i]:r.starts[i+1]]
	return value.FromText(unsafe.String(&f[0], len(f)))
}

// Text makes aliasRow a TextRow, so the comparison with csvRow (a plain
// Row) also checks the accumulator's TextRow path against its Value path.
func (r *aliasRow) Text(slot int) (string, bool) {
	v := r.Value(slot)
	return v.S, v.Kind == value.Text
}

func (r *aliasRow) Scalar(slot int) (value.Kind, int64, float64, string) {
	v := r.Value(slot)
	return v.Kind, v.I, v.F, v.S
}

func (r *aliasRow) scribble() {
	for i := range r.buf {
		r.buf[i] = '#'
	}
}

// TestAddClonesWhatItKeeps checks the Row contract: Text values need only
// last until Add returns. Each query runs twice, over rows with their own
// strings and over rows aliasing a buffer that is overwritten after every
// Add; any value the accumulator keeps without cloning shows up as '#'s.
func TestAddClonesWhatItKeeps(t *testing.T) {
	queries := []string{
		"SELECT origin, count(*), avg(delay), min(destination), max(date) FROM s3object GROUP BY origin",
		"SELECT upper(origin), substring(date, 1, 4), count(*) FROM s3object GROUP BY upper(origin), substring(date, 1, 4)",
		"SELECT origin, destination, sum(distance) FROM s3object WHERE origin LIKE 'A%' GROUP BY origin, destination",
		"SELECT date, origin, delay FROM s3object ORDER BY origin, date LIMIT 7",
		"SELECT date, origin, lower(destination) FROM s3object WHERE delay > 3",
		"SELECT min(origin), max(destination), count(distance) FROM s3object",
		"SELECT date, count(*), sum(delay) FROM s3object GROUP BY date",
		"SELECT substring(date, 1, 6), count(*) FROM s3object GROUP BY substring(date, 1, 6)",
		"SELECT destination, sum(distance), avg(delay), count(delay) FROM s3object WHERE delay < 40 OR origin = 'BOS' GROUP BY destination",
	}
	rnd := rand.New(rand.NewPCG(3, 4))
	airports := []string{"ATL", "AUS", "BOS", "lax", "Ord", ""}
	var recs [][]string
	for i := range 3000 {
		recs = append(recs, []string{
			"2001-" + strconv.Itoa(1+rnd.IntN(12)) + "-" + strconv.Itoa(i%40),
			strconv.Itoa(rnd.IntN(90) - 10),
			strconv.Itoa(rnd.IntN(3000)),
			airports[rnd.IntN(len(airports))],
			airports[rnd.IntN(len(airports))],
		})
	}
	for _, sql := range queries {
		q, err := Parse(sql)
		if err != nil {
			t.Fatal(err)
		}
		p, err := Bind(q, Schema{Kind: SchemaCSV, Columns: flightCols, NumFields: 5})
		if err != nil {
			t.Fatal(err)
		}
		owned, aliased := p.NewAccumulator(Options{}), p.NewAccumulator(Options{})
		row := &aliasRow{cols: p.Columns()}
		for i, r := range recs {
			if err := owned.Add(csvRow{fields: r, cols: p.Columns()}, int64(i)); err != nil {
				t.Fatalf("%s: %v", sql, err)
			}
			row.load(r)
			if err := aliased.Add(row, int64(i)); err != nil {
				t.Fatalf("%s: %v", sql, err)
			}
			row.scribble()
		}
		want, _ := json.Marshal(owned.Partial())
		got, _ := json.Marshal(aliased.Partial())
		if string(got) != string(want) {
			t.Errorf("%s: a kept value aliases the record buffer\n got %.300s\nwant %.300s", sql, got, want)
		}
		if strings.Contains(string(got), "#") {
			t.Errorf("%s: partial result holds scribbled bytes", sql)
		}
	}
}

// TestPackTextIsInjective: texts that differ only by trailing NUL bytes,
// or by length, must not share a packed key (they are different groups).
func TestPackTextIsInjective(t *testing.T) {
	texts := []string{"", "\x00", "\x00\x00", "a", "a\x00", "\x00a", "abcdefg", "abcdef\x00", "\xff\xff\xff\xff\xff\xff\xff"}
	seen := map[uint64]string{}
	for _, s := range texts {
		p, short := packText(s)
		if !short {
			t.Fatalf("packText(%q) is not short", s)
		}
		if prev, dup := seen[p]; dup {
			t.Errorf("packText(%q) == packText(%q)", s, prev)
		}
		seen[p] = s
	}
	if _, short := packText("abcdefgh"); short {
		t.Error("an 8-byte text was packed")
	}
}

// TestArithmeticOnAnOverflowedSum: sum past int64 is exact (its Text), and
// arithmetic on it fails saying so, tied to no record.
func TestArithmeticOnAnOverflowedSum(t *testing.T) {
	const big = "9223372036854775807"
	res, err := runCSV(t, "SELECT sum(v) FROM s3object", []string{"v"}, big, big)
	if err != nil || render2D(res.Rows) != "18446744073709551614" {
		t.Fatalf("sum: %v, %v", res, err)
	}
	_, err = runCSV(t, "SELECT sum(v) / count(v) FROM s3object", []string{"v"}, big, big)
	var ve *ValueError
	if !errors.As(err, &ve) || ve.OffsetBytes != -1 || !strings.Contains(ve.Reason, "past int64") {
		t.Fatalf("got %v, want a ValueError about an integer past int64 with no offset", err)
	}
}

// TestIntegerPastInt64SaysSo: every place that needs a number and gets
// the digits of an integer past int64 (from the data, or an overflowed
// sum) says that, not "is not a number"; other text still is not a number.
func TestIntegerPastInt64SaysSo(t *testing.T) {
	const big = "9223372036854775808"
	exprs := []string{"sum(v)", "avg(v)", "v + 1", "-v", "abs(v)", "round(v)", "CAST(v AS SIGNED)", "substring('ab', v)"}
	for _, x := range exprs {
		for _, c := range []struct{ v, reason string }{{big, "is an integer past int64"}, {"-" + big + "0", "is an integer past int64"}, {"12x", "is not a number"}} {
			_, err := runCSV(t, "SELECT "+x+" FROM s3object", []string{"v"}, c.v)
			var ve *ValueError
			if !errors.As(err, &ve) || !strings.HasPrefix(ve.Reason, c.reason) {
				t.Errorf("%s over %q: got %v, want a ValueError %q", x, c.v, err, c.reason)
			}
		}
	}
	for _, x := range []string{"-sum(v)", "abs(sum(v))"} {
		_, err := runCSV(t, "SELECT "+x+" FROM s3object", []string{"v"}, "9223372036854775807", "1")
		var ve *ValueError
		if !errors.As(err, &ve) || !strings.HasPrefix(ve.Reason, "is an integer past int64") {
			t.Errorf("%s over an overflowed sum: got %v", x, err)
		}
	}
}

// TestOrderByOverflowedSums: sums past int64 (kept exact as Text) order as
// the numbers they are, next to ordinary sums, and HAVING compares them.
func TestOrderByOverflowedSums(t *testing.T) {
	const m = "9223372036854775807"
	lines := []string{"a," + m, "a," + m, "b,5", "b,-3", "c,-" + m, "c,-" + m, "c,-" + m}
	// Reference with math/big: a = 2m, b = 2, c = -3m.
	mb, _ := new(big.Int).SetString(m, 10)
	want := map[string]*big.Int{"a": new(big.Int).Mul(mb, big.NewInt(2)), "b": big.NewInt(2), "c": new(big.Int).Mul(mb, big.NewInt(-3))}
	keys := []string{"a", "b", "c"}
	slices.SortFunc(keys, func(x, y string) int { return want[x].Cmp(want[y]) })
	res, err := runCSV(t, "SELECT k, sum(v) FROM s3object GROUP BY k ORDER BY 2", []string{"k", "v"}, lines...)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i, r := range res.Rows {
		got = append(got, r[0].String())
		if r[1].String() != want[keys[i]].String() {
			t.Errorf("row %d: sum %s, want %s", i, r[1].String(), want[keys[i]])
		}
	}
	if !slices.Equal(got, keys) {
		t.Fatalf("ORDER BY 2: %v, want %v", got, keys)
	}
	res, err = runCSV(t, "SELECT k FROM s3object GROUP BY k HAVING sum(v) > 0 ORDER BY k", []string{"k", "v"}, lines...)
	if err != nil || render2D(res.Rows) != "a; b" {
		t.Fatalf("HAVING sum(v) > 0: %v, %v; want a; b", res, err)
	}
}

// valueRow is a Row of typed values, as JSON records decode to.
type valueRow []value.Value

func (r valueRow) Value(slot int) value.Value { return r[slot] }

// scalarRow is a valueRow that is also a TextRow, so the accumulator takes
// its Scalar and Text paths.
type scalarRow struct{ valueRow }

func (r scalarRow) Text(slot int) (string, bool) {
	return r.valueRow[slot].S, r.valueRow[slot].Kind == value.Text
}

func (r scalarRow) Scalar(slot int) (value.Kind, int64, float64, string) {
	v := r.valueRow[slot]
	return v.Kind, v.I, v.F, v.S
}

// TestScalarRowMatchesValueRow: over typed values (Int, Float, Null,
// numeric and other Text, Bool), the accumulator reading a TextRow gives
// the partial result, and the errors, it gives reading Value alone.
func TestScalarRowMatchesValueRow(t *testing.T) {
	queries := []string{
		"SELECT a, count(*), sum(b), avg(b), min(b), max(b), count(b) FROM s3object GROUP BY a",
		"SELECT sum(b), avg(b) FROM s3object WHERE a LIKE 'x%'",
		"SELECT a, sum(b) FROM s3object GROUP BY a HAVING sum(b) > 10",
	}
	rnd := rand.New(rand.NewPCG(9, 2))
	typed := func(bools bool) value.Value {
		switch rnd.IntN(8) {
		case 0:
			return value.NullValue
		case 1:
			return value.FromFloat(rnd.Float64()*100 - 50)
		case 2:
			return value.FromText(strconv.Itoa(rnd.IntN(100) - 50))
		case 3:
			return value.FromText([]string{"x", "xy", "yes", "1e2", " 7"}[rnd.IntN(5)])
		case 4:
			if bools {
				return value.FromBool(rnd.IntN(2) == 0)
			}
		}
		return value.FromInt(int64(rnd.IntN(1000) - 500))
	}
	for _, sql := range queries {
		q, err := Parse(sql)
		if err != nil {
			t.Fatal(err)
		}
		p, err := Bind(q, Schema{Kind: SchemaJSON})
		if err != nil {
			t.Fatal(err)
		}
		plain, fast := p.NewAccumulator(Options{}), p.NewAccumulator(Options{})
		errs := 0
		for i := range 5000 {
			row := make(valueRow, len(p.Columns()))
			for c := range row {
				row[c] = typed(i%50 == 0)
			}
			errPlain, errFast := plain.Add(row, int64(i)), fast.Add(scalarRow{row}, int64(i))
			if fmt.Sprint(errPlain) != fmt.Sprint(errFast) {
				t.Fatalf("%s, row %v: Value path %v, TextRow path %v", sql, row, errPlain, errFast)
			}
			if errPlain != nil {
				errs++
			}
		}
		if errs == 0 {
			t.Fatalf("%s: no row failed: the test does not reach the error path", sql)
		}
		want, _ := json.Marshal(plain.Partial())
		got, _ := json.Marshal(fast.Partial())
		if string(got) != string(want) {
			t.Errorf("%s:\n got %.400s\nwant %.400s", sql, got, want)
		}
	}
}
