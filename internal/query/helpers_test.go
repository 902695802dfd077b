package query

import (
	"strings"
	"testing"

	"github.com/batonrun/baton/internal/value"
)

// csvRow is a decoded CSV record as the record decoder would present it:
// fields are Text, an empty field is Null.
type csvRow struct {
	fields []string
	cols   []ColumnRef
}

func (r csvRow) Value(slot int) value.Value {
	i := r.cols[slot].Index
	if i >= len(r.fields) || r.fields[i] == "" {
		return value.NullValue
	}
	return value.FromText(r.fields[i])
}

// mapRow is a JSON record: values by dotted path.
type mapRow struct {
	vals map[string]value.Value
	cols []ColumnRef
}

func (r mapRow) Value(slot int) value.Value { return r.vals[strings.Join(r.cols[slot].Path, ".")] }

var flightCols = []string{"date", "delay", "distance", "origin", "destination"}

// runCSV parses, binds and runs sql over CSV lines (comma-separated, no
// quoting) in one accumulator; record i starts at byte offset 100*i.
func runCSV(t testing.TB, sql string, header []string, lines ...string) (*Result, error) {
	t.Helper()
	q, err := Parse(sql)
	if err != nil {
		return nil, err
	}
	p, err := Bind(q, Schema{Kind: SchemaCSV, Columns: header, NumFields: len(header)})
	if err != nil {
		return nil, err
	}
	acc := p.NewAccumulator(Options{})
	for i, l := range lines {
		if err := acc.Add(csvRow{fields: strings.Split(l, ","), cols: p.Columns()}, int64(100*i)); err != nil {
			return nil, err
		}
	}
	return p.Finalize(acc.Partial())
}

func render2D(rows [][]value.Value) string {
	var b strings.Builder
	for i, r := range rows {
		if i > 0 {
			b.WriteString("; ")
		}
		for j, v := range r {
			if j > 0 {
				b.WriteString(",")
			}
			if v.IsNull() {
				b.WriteString("NULL")
			} else {
				b.WriteString(v.String())
			}
		}
	}
	return b.String()
}
