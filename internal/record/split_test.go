package record

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// everySplit reads data as two ranges [0, s) and [s, size) for every split
// point s, and as one range, and compares each to want.
func everySplit(t *testing.T, data []byte, f Format, batch int64, want []rec) {
	t.Helper()
	size := int64(len(data))
	for s := int64(0); s <= size; s++ {
		src := &memSource{data: data}
		r0, b0, err0 := readRange(src, f, size, Range{0, s}, batch, nil)
		r1, b1, err1 := readRange(src, f, size, Range{s, size}, batch, nil)
		if err := errors.Join(err0, err1); err != nil {
			t.Fatalf("split at %d: %v", s, err)
		}
		if err := CheckChain([]Boundary{b0, b1}); err != nil {
			t.Fatalf("split at %d: %v", s, err)
		}
		got := append(r0, r1...)
		if d := cmp.Diff(want, got, cmpopts.EquateEmpty()); d != "" {
			t.Fatalf("split at %d (-want +got):\n%s", s, d)
		}
	}
}

func TestSplitCases(t *testing.T) {
	crlf := "ab\r\ncd\r\nef\r\n"
	utf8 := "é日本\n€x\n日\n"
	cases := []struct {
		name string
		data string
		f    Format
	}{
		{"lines lf", "a\nbb\nccc\n", Format{}},
		{"lines crlf split inside crlf", crlf, Format{}},
		{"lines utf8 split inside char", utf8, Format{}},
		{"lines no final newline", "a\nbb\nccc", Format{}},
		{"lines empty lines are records", "\n\na\n\n\r\nb\n", Format{}},
		{"lines bom", "\xEF\xBB\xBFa\nb\n", Format{}},
		{"lines bom one line", "\xEF\xBB\xBFabc", Format{}},
		{"lines only newlines", "\n\n\n", Format{}},
		{"lines empty object", "", Format{}},
		{"csv crlf", "a,b\r\nc,d\r\n", Format{Kind: CSV}},
		{"csv empty lines skipped", "\n\na,b\n\r\n\nc,d\n\n", Format{Kind: CSV}},
		{"csv header bom", "\xEF\xBB\xBFx,y\r\n1,2\r\n3,4", Format{Kind: CSV, Header: true}},
		{"csv utf8", "é,日本\n€,x\n", Format{Kind: CSV}},
		{"csv quoted delimiter and quotes", "\"a,\"\"b\",c\n\"\",d\n", Format{Kind: CSV}},
		{"jsonl blank lines skipped", "{\"a\":1}\n \n\t\r\n{\"a\":2}\r\n\n", Format{Kind: JSONL}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := genObject{data: []byte(c.data), format: c.f}
			wantLines, wantFields, err := reference(g)
			if err != nil {
				t.Fatal(err)
			}
			if c.f.Kind == CSV {
				wantLines = csvLineRecords(t, g.data, c.f)
				got, err := fieldsOf(wantLines, ',')
				if err != nil || !cmp.Equal(wantFields, got, cmpopts.EquateEmpty()) {
					t.Fatalf("test reference disagrees with encoding/csv: %v %q", err, got)
				}
			}
			for _, batch := range []int64{1, 2, 5, 1 << 20} {
				everySplit(t, g.data, c.f, batch, wantLines)
			}
		})
	}
}

// csvLineRecords is the record list of a CSV object without quoted line
// breaks: its non-empty lines (after BOM and header), with offsets.
func csvLineRecords(t *testing.T, data []byte, f Format) []rec {
	t.Helper()
	all := refLines(data)
	if f.Header {
		all = all[1:]
	}
	var out []rec
	for _, r := range all {
		if r.Data != "" {
			out = append(out, r)
		}
	}
	return out
}

func TestCSVHeader50RowsSplitInTwo(t *testing.T) {
	var b strings.Builder
	b.WriteString("date,delay,distance,origin,destination\n")
	for i := range 50 {
		fmt.Fprintf(&b, "2026-01-%02d,%d,%d,SFO,\"L,A\"\n", i%28+1, i-7, 100+i*13)
	}
	data := []byte(b.String())
	want, err := refCSV(data, ',', true)
	if err != nil || len(want) != 50 {
		t.Fatalf("reference: %d records, %v", len(want), err)
	}
	for _, s := range []int64{1, 39, 40, int64(len(data)) / 2, int64(len(data)) - 1} {
		got, bs, err := readSplit(data, Format{Kind: CSV, Header: true}, s, 64, nil)
		if err == nil {
			err = CheckChain(bs)
		}
		if err != nil {
			t.Fatalf("range size %d: %v", s, err)
		}
		fields, err := fieldsOf(got, ',')
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, fields); d != "" {
			t.Fatalf("range size %d (-want +got):\n%s", s, d)
		}
	}
}

func TestFixedWidthLinesSplitEvery1000Bytes(t *testing.T) {
	var b bytes.Buffer
	for i := range 2000 {
		line := fmt.Sprintf("%06d", i) + strings.Repeat("x", 93)
		b.WriteString(line + "\n") // 100 bytes
	}
	data := b.Bytes()
	got, bs, err := readSplit(data, Format{}, 1000, 300, nil)
	if err == nil {
		err = CheckChain(bs)
	}
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(refLines(data), got); d != "" {
		t.Fatalf("(-want +got):\n%s", d)
	}
	if len(bs) != 200 {
		t.Fatalf("%d ranges, want 200", len(bs))
	}
	for i, bd := range bs {
		if bd.FirstRecordBytes != bd.Range.Offset {
			t.Fatalf("range %d synced to %d, want its offset %d (a record start)", i, bd.FirstRecordBytes, bd.Range.Offset)
		}
	}
}

func TestBOMOnlyAtStart(t *testing.T) {
	data := []byte("\xEF\xBB\xBFa\n\xEF\xBB\xBFb\n")
	got, _, err := readSplit(data, Format{}, 4, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []rec{{3, "a"}, {5, "\xEF\xBB\xBFb"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("(-want +got):\n%s", d)
	}
}
