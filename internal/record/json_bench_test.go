package record

import (
	"bytes"
	"testing"
)

// BenchmarkDecodeJSONRecords decodes flights-like records already split
// into lines, without the Reader: the JSON decoder's own cost. SetBytes
// counts each record and its newline.
func BenchmarkDecodeJSONRecords(b *testing.B) {
	recs := bytes.Split(bytes.TrimSuffix(flights(JSONL, 1<<20), []byte("\n")), []byte("\n"))
	d, err := NewDecoder(Format{Kind: JSONL}, []Column{{Path: []string{"delay"}}, {Path: []string{"origin"}}})
	if err != nil {
		b.Fatal(err)
	}
	var n int64
	for _, r := range recs {
		n += int64(len(r)) + 1
	}
	b.SetBytes(n)
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range recs {
			if _, err := d.Decode(r, 0); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(recs)), "ns/record")
}
