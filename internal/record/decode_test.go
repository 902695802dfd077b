package record

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/batonrun/baton/internal/value"
	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

func TestDecodeCSVMatchesEncodingCSV(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		delim := rapid.SampledFrom([]byte{',', ';', '\t'}).Draw(t, "delim")
		line := genLine(t, CSV, delim, rapid.Bool().Draw(t, "newlines"))
		cr := csv.NewReader(strings.NewReader(line))
		cr.Comma = rune(delim)
		want, err := cr.Read()
		if err != nil {
			return // an empty line or one made of an empty field: not a record
		}
		cols := make([]Column, len(want)+1)
		for i := range cols {
			cols[i] = Column{Index: len(cols) - 1 - i} // reversed, to test slots
		}
		d, err := NewDecoder(Format{Kind: CSV, Delimiter: delim}, cols[1:])
		if err != nil {
			t.Fatal(err)
		}
		row, err := d.Decode([]byte(line), 42)
		if err != nil {
			t.Fatalf("decode: %v", err)
		}
		for slot, c := range cols[1:] {
			v := row.Value(slot)
			if v.String() != want[c.Index] || (v.IsNull() && want[c.Index] != "") {
				t.Fatalf("field %d: got %#v, want %q", c.Index, v, want[c.Index])
			}
		}
		// One column with the field count checked: right, and one too many.
		first := []Column{{Index: rapid.IntRange(0, len(want)-1).Draw(t, "first")}}
		d, _ = NewDecoder(Format{Kind: CSV, Delimiter: delim, Fields: len(want)}, first)
		if row, err := d.Decode([]byte(line), 42); err != nil || row.Value(0).String() != want[first[0].Index] {
			t.Fatalf("with Fields %d: got %v, %v; want %q", len(want), row, err, want[first[0].Index])
		}
		d, _ = NewDecoder(Format{Kind: CSV, Delimiter: delim, Fields: len(want) + 1}, first)
		wantCount := fmt.Sprintf("record at byte offset 42: has %d field", len(want))
		if _, err := d.Decode([]byte(line), 42); err == nil || !strings.HasPrefix(err.Error(), wantCount) {
			t.Fatalf("with Fields %d: got %v, want %q…", len(want)+1, err, wantCount)
		}
		d, _ = NewDecoder(Format{Kind: CSV, Delimiter: delim}, cols[:1])
		_, err = d.Decode([]byte(line), 42)
		var re *RecordError
		wantMsg := fmt.Sprintf("record at byte offset 42: has %d fields, column _%d needs %d", len(want), len(want)+1, len(want)+1)
		if !errors.As(err, &re) || err.Error() != wantMsg {
			t.Fatalf("got %v, want %q", err, wantMsg)
		}
	})
}

func TestDecodeCSVNullAndEmpty(t *testing.T) {
	d, err := NewDecoder(Format{Kind: CSV}, []Column{{Index: 0}, {Index: 1}, {Index: 2}})
	if err != nil {
		t.Fatal(err)
	}
	row, err := d.Decode([]byte(`,"",x`), 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []value.Value{value.NullValue, value.FromText(""), value.FromText("x")}
	for i, w := range want {
		if row.Value(i) != w {
			t.Errorf("slot %d: got %#v, want %#v", i, row.Value(i), w)
		}
	}
}

func TestBadCSVQuotingAgreesWithEncodingCSV(t *testing.T) {
	for _, line := range []string{`a"b,c`, `"a"b,c`, `"abc`, `a,"b"x`, `a,b "c"`, `"a""b",c`, `"a"`, `a,"b"`} {
		_, refErr := csv.NewReader(strings.NewReader(line + "\n")).Read()
		_, gotErr := ParseCSVRecord([]byte(line), ',')
		_, _, scanErr := readSplit([]byte(line+"\n"), Format{Kind: CSV}, 1<<10, 1<<10, nil)
		if (refErr == nil) != (gotErr == nil) || (refErr == nil) != (scanErr == nil) {
			t.Errorf("%q: encoding/csv %v; ParseCSVRecord %v; Reader %v", line, refErr, gotErr, scanErr)
		}
		var re *RecordError
		if gotErr != nil && (!errors.As(gotErr, &re) || strings.Contains(gotErr.Error(), "abc")) {
			t.Errorf("%q: want a RecordError without contents, got %v", line, gotErr)
		}
	}
}

func TestDecodeJSONTypes(t *testing.T) {
	line := `{"i":12,"neg":-3,"big":1.2345678901234567890e19,"f":1.5,"e":1e3,"s":"a\"\u00e9",` +
		`"t":true,"n":null,"o":{ "x" : [1, 2] },"a":[ ],"d.k":{"y":"z"},"*":7}`
	cols := []Column{{Path: []string{"i"}}, {Path: []string{"neg"}}, {Path: []string{"big"}},
		{Path: []string{"f"}}, {Path: []string{"e"}}, {Path: []string{"s"}}, {Path: []string{"t"}},
		{Path: []string{"n"}}, {Path: []string{"missing"}}, {Path: []string{"o"}}, {Path: []string{"a"}},
		{Path: []string{"d.k", "y"}}, {Path: []string{"*"}}, {Path: []string{"o", "x"}}}
	want := []value.Value{value.FromInt(12), value.FromInt(-3), value.FromFloat(12345678901234567890),
		value.FromFloat(1.5), value.FromFloat(1000), value.FromText("a\"é"), value.FromBool(true),
		value.NullValue, value.NullValue, value.FromText(`{"x":[1,2]}`), value.FromText(`[]`),
		value.FromText("z"), value.FromInt(7), value.FromText("[1,2]")}
	d, err := NewDecoder(Format{Kind: JSONL}, cols)
	if err != nil {
		t.Fatal(err)
	}
	row, err := d.Decode([]byte(line), 0)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range want {
		if row.Value(i) != w {
			t.Errorf("%v: got %#v, want %#v", cols[i].Path, row.Value(i), w)
		}
	}
}

// The JSON decoder agrees with encoding/json on validity and on values.
func TestDecodeJSONMatchesEncodingJSON(t *testing.T) {
	lines := []string{`{"a":1}`, ` {"a":"x"} `, `{"a":1,}`, `{"a":01}`, `{"a":1}{`, `[1]`, `"s"`, `{"a":nul}`,
		`{"a":1e400}`, `{"a":-0}`, `{"a":"\ud83d\ude00"}`, `{"a":"bad \x"}`, `{"a\u0062":5}`, `{"a":{"b":[{"c":null}]}}`, ``}
	for _, l := range lines {
		var ref any
		dec := json.NewDecoder(strings.NewReader(l))
		dec.UseNumber()
		refErr := dec.Decode(&ref)
		if refErr == nil && dec.More() {
			refErr = errors.New("trailing data")
		}
		if _, isObject := ref.(map[string]any); refErr == nil && !isObject {
			refErr = errors.New("not an object") // a bad record by Decode's contract
		}
		d, _ := NewDecoder(Format{Kind: JSONL}, []Column{{Path: []string{"a"}}, {Path: []string{"ab"}}})
		row, err := d.Decode([]byte(l), 7)
		if l == `{"a":1e400}` { // valid JSON, but not a float64
			if err == nil {
				t.Errorf("%s: want an out-of-range error", l)
			}
			continue
		}
		if (refErr == nil) != (err == nil) {
			t.Errorf("%s: encoding/json %v, decoder %v", l, refErr, err)
			continue
		}
		if err != nil {
			continue
		}
		m, _ := ref.(map[string]any)
		for slot, key := range []string{"a", "ab"} {
			if got, want := row.Value(slot).String(), jsonRefString(m[key]); got != want {
				t.Errorf("%s key %s: got %q, want %q", l, key, got, want)
			}
		}
	}
}

func jsonRefString(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case json.Number:
		n, _ := value.ParseNumber(v.String())
		return n.String()
	case bool:
		return fmt.Sprint(v)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func TestDecodeLines(t *testing.T) {
	d, err := NewDecoder(Format{}, []Column{{Index: 0}, {Index: 0}})
	if err != nil {
		t.Fatal(err)
	}
	row, _ := d.Decode([]byte("a,b"), 0)
	if row.Value(0) != value.FromText("a,b") || row.Value(1) != value.FromText("a,b") {
		t.Fatalf("got %#v", row)
	}
	if _, err := NewDecoder(Format{}, []Column{{Index: 1}}); err == nil {
		t.Fatal("lines index 1 accepted")
	}
	if _, err := NewDecoder(Format{Kind: JSONL}, []Column{{}}); err == nil {
		t.Fatal("JSONL column without path accepted")
	}
}

func TestSampleJSONPaths(t *testing.T) {
	recs := [][]byte{[]byte(`{"b":1,"a":{"x":2,"y":[{"z":1}]}}`), []byte(`not json`), []byte(`{"c":null,"b":2}`)}
	want := []string{"a", "a.x", "a.y", "b", "c"}
	if d := cmp.Diff(want, SampleJSONPaths(recs)); d != "" {
		t.Fatalf("(-want +got):\n%s", d)
	}
}

func TestReadHeader(t *testing.T) {
	for _, c := range []struct {
		data string
		want []string
		err  bool
	}{
		{"\xEF\xBB\xBFdate;\"de;lay\"\r\n1;2\n", []string{"date", "de;lay"}, false},
		{"a;b", []string{"a", "b"}, false},
		{"\na;b\n", nil, true},
		{"", nil, true},
		{"\"a;b\n", nil, true},
	} {
		src := &memSource{data: []byte(c.data)}
		got, err := ReadHeader(context.Background(), src, Format{Kind: CSV, Delimiter: ';'}, int64(len(c.data)))
		if (err != nil) != c.err || !cmp.Equal(c.want, got) {
			t.Errorf("%q: got %q, %v", c.data, got, err)
		}
	}
}

func TestParseKind(t *testing.T) {
	for in, want := range map[string]Kind{"lines": Lines, "CSV": CSV, "jsonl": JSONL, "json": JSONL, "ndjson": JSONL} {
		if got, err := ParseKind(in); err != nil || got != want {
			t.Errorf("%s: %v %v", in, got, err)
		}
		if got, _ := ParseKind(want.String()); got != want {
			t.Errorf("%v does not round-trip", want)
		}
	}
	if _, err := ParseKind("xml"); err == nil {
		t.Error("xml accepted")
	}
}

func TestDecodeDoesNotAllocateForLinesScan(t *testing.T) {
	data := bytes.Repeat([]byte(`{"a":1}`+"\n"), 1000)
	src := &memSource{data: data}
	r, _ := NewReader(src, ReaderOptions{Format: Format{Kind: JSONL}, ObjectSizeBytes: int64(len(data)),
		Range: Range{0, int64(len(data))}, BatchSizeBytes: 1 << 20})
	var n int
	count := func([]byte, int64) error { n++; return nil }
	if _, err := r.ReadBatch(context.Background(), count); err != nil || n != 1000 {
		t.Fatal(err, n)
	}
	allocs := testing.AllocsPerRun(10, func() {
		r, _ := NewReader(src, ReaderOptions{Format: Format{Kind: JSONL}, ObjectSizeBytes: int64(len(data)),
			Range: Range{0, int64(len(data))}, BatchSizeBytes: 1 << 20})
		r.ReadBatch(context.Background(), count)
	})
	if allocs > 10 {
		t.Fatalf("%v allocations for 1000 records: want no per-record allocation", allocs)
	}
}

// An integer literal past int64 would lose digits as a float: it is a bad
// record at its offset, not a rounded value.
func TestDecodeJSONIntegerPastInt64(t *testing.T) {
	d, err := NewDecoder(Format{Kind: JSONL}, []Column{{Path: []string{"n"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Decode([]byte(`{"n":9223372036854775807}`), 0); err != nil {
		t.Fatalf("int64 max: %v", err)
	}
	_, err = d.Decode([]byte(`{"n":18446744073709551616}`), 40)
	var re *RecordError
	if !errors.As(err, &re) || re.OffsetBytes != 40 || !strings.Contains(err.Error(), "int64") {
		t.Fatalf("got %v", err)
	}
}

// TestLinesValues: a line is Text, an empty one too (not Null), and Text
// agrees with Value.
func TestLinesValues(t *testing.T) {
	d, err := NewDecoder(Format{Kind: Lines}, []Column{{Index: 0}, {Index: 0}})
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"", "abc", " x y "} {
		row, err := d.Decode([]byte(line), 7)
		if err != nil {
			t.Fatal(err)
		}
		for slot := range 2 {
			if v := row.Value(slot); v != value.FromText(line) {
				t.Errorf("line %q slot %d: Value = %#v, want Text", line, slot, v)
			}
			if s, ok := row.Text(slot); !ok || s != line {
				t.Errorf("line %q slot %d: Text = %q, %v", line, slot, s, ok)
			}
		}
	}
}

// TestDeepJSONIsABadRecord: nesting past MaxJSONDepth is a bad record
// naming the limit (not a stack overflow), just below it decodes, and
// brackets inside strings do not count.
func TestDeepJSONIsABadRecord(t *testing.T) {
	d, err := NewDecoder(Format{Kind: JSONL}, []Column{{Path: []string{"a"}}, {Path: []string{"s"}}})
	if err != nil {
		t.Fatal(err)
	}
	nest := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	deep := `{"a":` + nest(MaxJSONDepth) + `}` // the object is one more level
	if _, err := d.Decode([]byte(deep), 5); err == nil || !strings.Contains(err.Error(), "nested deeper than 10000") {
		t.Fatalf("depth %d: got %v, want a bad record", MaxJSONDepth+1, err)
	}
	if _, err := d.Decode([]byte(`{"a":`+nest(MaxJSONDepth-1)+`}`), 5); err != nil {
		t.Fatalf("depth %d: %v", MaxJSONDepth, err)
	}
	inString := `{"a":1,"s":"` + strings.Repeat(`[{\"`, 3*MaxJSONDepth) + `"}`
	row, err := d.Decode([]byte(inString), 5)
	if err != nil || row.Value(0) != value.FromInt(1) {
		t.Fatalf("brackets in a string: %v, %v", row, err)
	}
	huge := `{"a":` + nest(5_000_000) + `}` // would overflow gjson's recursion
	if _, err := d.Decode([]byte(huge), 5); err == nil {
		t.Fatal("5,000,000 levels decoded")
	}
	if got := SampleJSONPaths([][]byte{[]byte(huge), []byte(`{"b":1}`)}); !slices.Equal(got, []string{"b"}) {
		t.Fatalf("sampling skips the deep line: got %v", got)
	}
}
