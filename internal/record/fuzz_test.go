package record

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// FuzzRangeRecords checks that reading an object as many ranges (with hops
// between batches) yields exactly the records of reading it as one range,
// or, for CSV with quoted line breaks, an error.
func FuzzRangeRecords(f *testing.F) {
	f.Add([]byte("a\nbb\r\n\nccc"), uint8(0), uint16(3), uint8(2), false)
	f.Add([]byte("\xEF\xBB\xBFh,i\r\n1,\"2\n3\"\r\n\r\n4,5"), uint8(1), uint16(5), uint8(1), true)
	f.Add([]byte("x,\"a\"\"b\",c\n\"\"\n,,\n"), uint8(1), uint16(4), uint8(3), false)
	f.Add([]byte("{\"a\":1}\n \n{\"b\":\"é\"}\r\n"), uint8(2), uint16(2), uint8(5), false)
	f.Add([]byte("日本\n語\r\r\n\r"), uint8(0), uint16(1), uint8(1), false)
	f.Fuzz(func(t *testing.T, data []byte, kind uint8, rangeSize uint16, batch uint8, header bool) {
		fm := Format{Kind: Kind(kind % 3), MaxRecordBytes: 1 << 16}
		fm.Header = header && fm.Kind == CSV
		rs := int64(rangeSize%1024) + 1
		bs := int64(batch%64) + 1
		size := int64(len(data))
		whole, _, wholeErr := readSplit(data, fm, size+1, bs, nil)
		hops := 0
		split, bounds, splitErr := readSplit(data, fm, rs, bs, func() bool { hops++; return hops%2 == 0 })
		if splitErr == nil {
			splitErr = CheckChain(bounds)
		}
		if fm.Kind != CSV || !bytes.Contains(data, []byte{'"'}) {
			if (wholeErr == nil) != (splitErr == nil) {
				t.Fatalf("whole: %v; split: %v", wholeErr, splitErr)
			}
		}
		if splitErr != nil || wholeErr != nil {
			if splitErr == nil {
				t.Fatalf("split read succeeded but the whole read failed: %v", wholeErr)
			}
			return
		}
		if d := cmp.Diff(whole, split, cmpopts.EquateEmpty()); d != "" {
			t.Fatalf("range size %d, batch %d (-whole +split):\n%s", rs, bs, d)
		}
	})
}
