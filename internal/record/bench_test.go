package record

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// flights generates about n bytes of flights-like records (date, delay,
// distance, origin, destination) in the given format.
func flights(kind Kind, n int) []byte {
	rnd := rand.New(rand.NewPCG(1, 2))
	airports := []string{"SFO", "LAX", "JFK", "ORD", "ATL", "DEN", "SEA", "BOS"}
	var b strings.Builder
	if kind == CSV {
		b.WriteString("date,delay,distance,origin,destination\n")
	}
	for b.Len() < n {
		date := fmt.Sprintf("2001/%02d/%02d %02d:%02d", rnd.IntN(12)+1, rnd.IntN(28)+1, rnd.IntN(24), rnd.IntN(60))
		delay, dist := rnd.IntN(200)-20, rnd.IntN(3000)+50
		o, d := airports[rnd.IntN(len(airports))], airports[rnd.IntN(len(airports))]
		switch kind {
		case JSONL:
			fmt.Fprintf(&b, `{"date":%q,"delay":%d,"distance":%d,"origin":%q,"destination":%q}`+"\n", date, delay, dist, o, d)
		default:
			fmt.Fprintf(&b, "%s,%d,%d,%s,%s\n", date, delay, dist, o, d)
		}
	}
	return []byte(b.String())
}

// benchScan reads a whole generated object in 1 MiB batches and, with cols,
// decodes every record.
func benchScan(b *testing.B, f Format, cols []Column) {
	data := flights(f.Kind, 16<<20)
	src := &memSource{data: data}
	size := int64(len(data))
	ctx := context.Background()
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		d, err := NewDecoder(f, cols)
		if err != nil {
			b.Fatal(err)
		}
		src.reads = src.reads[:0]
		r, err := NewReader(src, ReaderOptions{Format: f, ObjectSizeBytes: size, Range: Range{0, size}, BatchSizeBytes: 1 << 20})
		if err != nil {
			b.Fatal(err)
		}
		fn := func(rec []byte, off int64) error {
			if len(cols) == 0 {
				return nil
			}
			_, err := d.Decode(rec, off)
			return err
		}
		for {
			bt, err := r.ReadBatch(ctx, fn)
			if err != nil {
				b.Fatal(err)
			}
			if bt.Done {
				break
			}
		}
	}
}

func BenchmarkScanLines(b *testing.B) { benchScan(b, Format{}, nil) }
func BenchmarkScanCSV(b *testing.B)   { benchScan(b, Format{Kind: CSV, Header: true}, nil) }
func BenchmarkScanJSONL(b *testing.B) { benchScan(b, Format{Kind: JSONL}, nil) }

func BenchmarkDecodeCSV(b *testing.B) {
	benchScan(b, Format{Kind: CSV, Header: true}, []Column{{Index: 1}, {Index: 3}})
}

// BenchmarkDecodeCSVFields checks every record's field count (as a job's
// spec does with NumFields): the fields after the last column read are
// scanned too.
func BenchmarkDecodeCSVFields(b *testing.B) {
	benchScan(b, Format{Kind: CSV, Header: true, Fields: 5}, []Column{{Index: 1}, {Index: 3}})
}

func BenchmarkDecodeJSONL(b *testing.B) {
	benchScan(b, Format{Kind: JSONL}, []Column{{Path: []string{"delay"}}, {Path: []string{"origin"}}})
}
