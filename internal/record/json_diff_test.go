package record

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/batonrun/baton/internal/value"
)

// jsonDiffPaths are the columns of the differential tests: plain keys,
// keys with dots, '*', an escape-spelled key, nested paths, a path under a
// column, non-ASCII and empty keys.
var jsonDiffPaths = [][]string{{"a"}, {"b"}, {"a.b"}, {"*"}, {"ab"}, {"o"}, {"o", "x"},
	{"o", "y", "z"}, {"é"}, {""}, {"q\"k"}, {"n"}}

// jsonGen writes random JSON Lines records, mostly valid objects with
// duplicate keys, escapes, odd numbers and whitespace, some mutated into
// invalid JSON.
type jsonGen struct{ r *rand.Rand }

var (
	genKeys = []string{`"a"`, `"b"`, `"a.b"`, `"*"`, `"ab"`, `"a\u0062"`, `"o"`, `"x"`, `"y"`, `"z"`,
		`"\u00e9"`, `"é"`, `""`, `"q\"k"`, `"n"`, `"a\\b"`, `"\ud800"`}
	genNumbers = []string{"0", "-0", "7", "-12", "9223372036854775807", "-9223372036854775808",
		"9223372036854775808", "-9223372036854775809", "123456789012345678901234", "1.5", "-0.0",
		"1e3", "1E-7", "2.5e+2", "1e400", "-1e400", "4.9e-324", "1e-400", "0.1", "100000000000000000"}
	genStrings = []string{`""`, `"x"`, `"LAS"`, `"2001-01-01 00:01:00"`, `"a\"b"`, `"\\"`, `"\/"`,
		`"\n\t\r\b\f"`, `"\u00e9"`, `"\ud83d\ude00"`, `"\ud800"`, `"\udc00x"`, `"é日本"`, "\"bad\xfe\"",
		"\"\xc3\"", `"\u0000"`, `"sp ace"`, `"{\"not\":1}"`}
)

func (g jsonGen) ws() string {
	if g.r.IntN(4) > 0 {
		return ""
	}
	return []string{" ", "\t", "  \r\n ", "\n"}[g.r.IntN(4)]
}

func (g jsonGen) value(depth int) string {
	switch n := g.r.IntN(10); {
	case n < 3:
		return genNumbers[g.r.IntN(len(genNumbers))]
	case n < 6:
		return genStrings[g.r.IntN(len(genStrings))]
	case n == 6:
		return []string{"true", "false", "null"}[g.r.IntN(3)]
	case depth > 2:
		return "1"
	case n == 7:
		items := make([]string, g.r.IntN(4))
		for i := range items {
			items[i] = g.ws() + g.value(depth+1) + g.ws()
		}
		return "[" + strings.Join(items, ",") + "]"
	}
	return g.object(depth + 1)
}

func (g jsonGen) object(depth int) string {
	members := make([]string, g.r.IntN(7))
	for i := range members {
		members[i] = g.ws() + genKeys[g.r.IntN(len(genKeys))] + g.ws() + ":" + g.ws() + g.value(depth) + g.ws()
	}
	return "{" + strings.Join(members, ",") + "}"
}

// line returns one record: an object, another JSON value, or a mutated
// (usually invalid) object.
func (g jsonGen) line() []byte {
	s := g.ws() + g.object(0) + g.ws()
	switch g.r.IntN(12) {
	case 0:
		s = g.value(1)
	case 1: // truncate
		s = s[:g.r.IntN(len(s)+1)]
	case 2: // insert a structural or odd byte
		i := g.r.IntN(len(s) + 1)
		const odd = "{}[],:\"\\ 0-.eE\x00\xff"
		s = s[:i] + odd[g.r.IntN(len(odd)):][:1] + s[i:]
	case 3: // delete a byte
		if i := g.r.IntN(len(s)); len(s) > 0 {
			s = s[:i] + s[i+1:]
		}
	}
	return []byte(s)
}

// checkAgainstRef decodes line with d and compares with the reference:
// same validity, same error class, same values.
func checkAgainstRef(t *testing.T, d *Decoder, line []byte) (*Row, bool) {
	t.Helper()
	want, refErr := refDecodeJSON(line, jsonDiffPaths)
	row, err := d.Decode(line, 42)
	if (err == nil) != (refErr == nil) {
		t.Fatalf("%q: decoder error %v, reference error %v", line, err, refErr)
	}
	if err != nil {
		var re *RecordError
		if !errors.As(err, &re) || re.OffsetBytes != 42 {
			t.Fatalf("%q: want a *RecordError at 42, got %v", line, err)
		}
		class := "key "
		if errors.Is(refErr, errRefInvalid) || errors.Is(refErr, errRefNotObject) {
			class = refErr.Error()
		}
		if !strings.HasPrefix(re.Reason, class) {
			t.Fatalf("%q: reason %q, reference %v", line, re.Reason, refErr)
		}
		return nil, false
	}
	for i, w := range want {
		if got := row.Value(i); got != w {
			t.Fatalf("%q column %v: got %#v, want %#v", line, jsonDiffPaths[i], got, w)
		}
	}
	return row, true
}

func jsonDiffDecoder(t testing.TB) *Decoder {
	cols := make([]Column, len(jsonDiffPaths))
	for i, p := range jsonDiffPaths {
		cols[i] = Column{Path: p}
	}
	d, err := NewDecoder(Format{Kind: JSONL}, cols)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestDecodeJSONMatchesReference compares the decoder with the encoding/json
// reference on random and hostile records.
func TestDecodeJSONMatchesReference(t *testing.T) {
	g := jsonGen{rand.New(rand.NewPCG(7, 11))}
	d := jsonDiffDecoder(t)
	valid := 0
	for range 20000 {
		if _, ok := checkAgainstRef(t, d, g.line()); ok {
			valid++
		}
	}
	if valid < 2000 {
		t.Fatalf("only %d of 20000 records decoded: the generator makes too few valid ones", valid)
	}
}

// TestDecodeJSONCloneSurvivesNextDecode decodes records from one reused
// buffer, as the Reader does: a row cloned with value.Value.Clone keeps its
// values after the next record is decoded into the same decoder and buffer,
// and the uncloned row of the next record is right too.
func TestDecodeJSONCloneSurvivesNextDecode(t *testing.T) {
	g := jsonGen{rand.New(rand.NewPCG(3, 5))}
	d := jsonDiffDecoder(t)
	buf := make([]byte, 0, 1<<12)
	var kept []value.Value
	var keptLine string
	for range 5000 {
		line := g.line()
		buf = append(buf[:0], line...)
		for i := len(line); i < cap(buf); i++ { // scribble past the record
			buf[:cap(buf)][i] = 'Z'
		}
		row, ok := checkAgainstRef(t, d, buf)
		if kept != nil {
			want, _ := refDecodeJSON([]byte(keptLine), jsonDiffPaths)
			for i := range kept {
				if kept[i] != want[i] {
					t.Fatalf("%q column %v: clone changed to %#v after decoding %q, want %#v",
						keptLine, jsonDiffPaths[i], kept[i], line, want[i])
				}
			}
		}
		if !ok {
			continue
		}
		kept, keptLine = make([]value.Value, row.Len()), string(line)
		for i := range kept {
			kept[i] = row.Value(i).Clone()
		}
		for i := range buf { // the Reader reuses its buffer for the next batch
			buf[i] = 'Y'
		}
	}
}

// FuzzDecodeJSON compares the decoder with the encoding/json reference.
func FuzzDecodeJSON(f *testing.F) {
	g := jsonGen{rand.New(rand.NewPCG(1, 1))}
	for range 40 {
		f.Add(g.line())
	}
	f.Add([]byte(`{"a":1,"a":2,"o":{"x":[1, {"y":2}]}}`))
	d := jsonDiffDecoder(f)
	f.Fuzz(func(t *testing.T, line []byte) {
		checkAgainstRef(t, d, line)
	})
}

func ExampleDecoder_Decode_jsonFirstKeyWins() {
	d, _ := NewDecoder(Format{Kind: JSONL}, []Column{{Path: []string{"a"}}, {Path: []string{"o", "x"}}})
	row, _ := d.Decode([]byte(`{"a":1,"a":2,"o":{"x":"é"}}`), 0)
	fmt.Println(row.Value(0), row.Value(1))
	// Output: 1 é
}

// shapeLine returns a record that mostly repeats the previous one's keys
// in the same order (the decoder remembers key literals by position), with
// keys sometimes swapped, respelled with an escape, duplicated or extended.
func (g jsonGen) shapeLine(keys []string) []byte {
	variants := map[string][]string{`"a"`: {`"\u0061"`, `"ab"`, `"a.b"`}, `"ab"`: {`"a\u0062"`, `"a"`},
		`"o"`: {`"o "`, `"\u006f"`}, `"n"`: {`"a"`, `"nn"`}}
	switch g.r.IntN(8) {
	case 0:
		i, j := g.r.IntN(len(keys)), g.r.IntN(len(keys))
		keys[i], keys[j] = keys[j], keys[i]
	case 1:
		i := g.r.IntN(len(keys))
		if v := variants[keys[i]]; len(v) > 0 {
			keys[i] = v[g.r.IntN(len(v))]
		}
	case 2:
		keys[g.r.IntN(len(keys))] = []string{`"a"`, `"ab"`, `"o"`, `"n"`, `"b"`}[g.r.IntN(5)]
	}
	members := make([]string, len(keys))
	sep, colon := ",", ":"
	if g.r.IntN(3) == 0 { // Python's json.dumps separators, or other whitespace
		sep, colon = ", ", ": "+g.ws()
	}
	for i, k := range keys {
		members[i] = k + colon + g.value(1)
	}
	return []byte("{" + strings.Join(members, sep) + "}")
}

// TestDecodeJSONShapeChanges runs the reference comparison over records
// that share most of their shape, as lines of one file do.
func TestDecodeJSONShapeChanges(t *testing.T) {
	g := jsonGen{rand.New(rand.NewPCG(5, 8))}
	d := jsonDiffDecoder(t)
	keys := []string{`"n"`, `"a"`, `"ab"`, `"o"`, `"b"`}
	for range 20000 {
		checkAgainstRef(t, d, g.shapeLine(keys))
	}
}
