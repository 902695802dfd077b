package query

import (
	"strconv"
	"testing"
)

// benchRows builds n flight-like CSV records (all fields Text, as the CSV
// decoder yields them) over 50 origins.
func benchRows(n int, cols []ColumnRef) []csvRow {
	rows := make([]csvRow, n)
	for i := range rows {
		fields := []string{
			"0101" + strconv.Itoa(1000+i%9000),
			strconv.Itoa(i%97 - 20),
			strconv.Itoa(100 + i%2000),
			"O" + strconv.Itoa(i%50),
			"D" + strconv.Itoa(i%37),
		}
		rows[i] = csvRow{fields: fields, cols: cols}
	}
	return rows
}

func benchAdd(b *testing.B, sql string) {
	q, err := Parse(sql)
	if err != nil {
		b.Fatal(err)
	}
	p, err := Bind(q, Schema{Kind: SchemaCSV, Columns: flightCols, NumFields: 5})
	if err != nil {
		b.Fatal(err)
	}
	var rows []Row // boxed up front so the loop measures Add alone
	for _, r := range benchRows(4096, p.Columns()) {
		rows = append(rows, r)
	}
	acc := p.NewAccumulator(Options{})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if err := acc.Add(rows[i%len(rows)], int64(i)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAddGroupBy is the typical per-origin aggregate.
func BenchmarkAddGroupBy(b *testing.B) {
	benchAdd(b, "SELECT origin, count(*), avg(delay) FROM s3object GROUP BY origin")
}

// BenchmarkAddWhere filters, then counts.
func BenchmarkAddWhere(b *testing.B) {
	benchAdd(b, "SELECT count(*), sum(distance) FROM s3object WHERE delay > 10 AND origin IN ('O1', 'O2', 'O3')")
}
