package query

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/batonrun/baton/internal/record"
)

// wholeObject serves an in-memory object to a record.Reader.
type wholeObject []byte

func (o wholeObject) ReadRange(_ context.Context, off, n int64) ([]byte, error) {
	end := min(off+n, int64(len(o)))
	return o[off:end:end], nil
}

// flightsJSONL renders about n bytes of the same shape as JSON Lines, as
// scripts/flights writes them.
func flightsJSONL(n int) []byte {
	rnd := rand.New(rand.NewPCG(5, 6))
	var b strings.Builder
	for b.Len() < n {
		o, d := rnd.IntN(300), rnd.IntN(300)
		fmt.Fprintf(&b, `{"date":"2001-%02d-%02d %02d:%02d:00","delay":%d,"distance":%d,"origin":"A%02d","destination":"B%02d"}`+"\n",
			1+rnd.IntN(12), 1+rnd.IntN(28), rnd.IntN(24), rnd.IntN(60), rnd.IntN(200)-20, 50+rnd.IntN(3000), o, d)
	}
	return []byte(b.String())
}

// flightsCSV renders about n bytes of records shaped like the flights data
// set (date, delay, distance, origin, destination) over 300 airports.
func flightsCSV(n int) []byte {
	rnd := rand.New(rand.NewPCG(5, 6))
	var b strings.Builder
	b.WriteString("date,delay,distance,origin,destination\n")
	for b.Len() < n {
		o, d := rnd.IntN(300), rnd.IntN(300)
		fmt.Fprintf(&b, "2001-%02d-%02d %02d:%02d:00,%d,%d,A%02d,B%02d\n", 1+rnd.IntN(12), 1+rnd.IntN(28),
			rnd.IntN(24), rnd.IntN(60), rnd.IntN(200)-20, 50+rnd.IntN(3000), o, d)
	}
	return []byte(b.String())
}

// BenchmarkPipelineCSV is one range's hot path on one core: the record
// reader, the CSV decoder and the accumulator, over a 32 MiB object, for
// the README's group-by. MB/s is object bytes.
func BenchmarkPipelineCSV(b *testing.B) {
	benchPipeline(b, "SELECT origin, count(*), avg(delay) FROM s3object GROUP BY origin")
}

// BenchmarkPipelineCSVWhere filters on a text column and sums a number.
func BenchmarkPipelineCSVWhere(b *testing.B) {
	benchPipeline(b, "SELECT count(*), sum(distance) FROM s3object WHERE origin = 'A07'")
}

// BenchmarkPipelineLines is a grep-style count over the same bytes read
// as lines.
func BenchmarkPipelineLines(b *testing.B) {
	benchPipelineAs(b, "SELECT count(*) FROM s3object WHERE _1 LIKE '%A07%'", record.Format{Kind: record.Lines},
		Schema{Kind: SchemaLines})
}

// BenchmarkPipelineJSONL is the README's group-by over JSON Lines.
func BenchmarkPipelineJSONL(b *testing.B) {
	benchPipelineAs(b, "SELECT origin, count(*), avg(delay) FROM s3object GROUP BY origin",
		record.Format{Kind: record.JSONL}, Schema{Kind: SchemaJSON})
}

func benchPipeline(b *testing.B, sql string) {
	benchPipelineAs(b, sql, record.Format{Kind: record.CSV, Header: true, Fields: 5},
		Schema{Kind: SchemaCSV, Columns: flightCols, NumFields: 5})
}

func benchPipelineAs(b *testing.B, sql string, format record.Format, sch Schema) {
	data := wholeObject(flightsCSV(32 << 20))
	if format.Kind == record.JSONL {
		data = flightsJSONL(32 << 20)
	}
	q, err := Parse(sql)
	if err != nil {
		b.Fatal(err)
	}
	p, err := Bind(q, sch)
	if err != nil {
		b.Fatal(err)
	}
	var cols []record.Column
	for _, c := range p.Columns() {
		cols = append(cols, record.Column{Index: c.Index, Path: c.Path})
	}
	size := int64(len(data))
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		dec, err := record.NewDecoder(format, cols)
		if err != nil {
			b.Fatal(err)
		}
		r, err := record.NewReader(data, record.ReaderOptions{Format: format, ObjectSizeBytes: size, Range: record.Range{End: size}})
		if err != nil {
			b.Fatal(err)
		}
		acc := p.NewAccumulator(Options{})
		add := func(rec []byte, off int64) error {
			row, err := dec.Decode(rec, off)
			if err != nil {
				return err
			}
			return acc.Add(row, off)
		}
		for done := false; !done; {
			bt, err := r.ReadBatch(context.Background(), add)
			if err != nil {
				b.Fatal(err)
			}
			done = bt.Done
		}
		if got := acc.Partial().RecordsScanned; got == 0 {
			b.Fatal("no records")
		}
	}
}
