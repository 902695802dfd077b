package record

import (
	"encoding/csv"
	"errors"
	"strings"
	"testing"
)

// Decode's bad records: each is a *RecordError at the record's offset whose
// reason names what is wrong and never holds the record's contents.
func TestDecodeBadRecords(t *testing.T) {
	const secret = "SECRET"
	cases := []struct {
		name   string
		f      Format
		cols   []Column
		rec    string
		reason string // "" means the record is good
	}{
		{"csv exact", Format{Kind: CSV, Fields: 3}, []Column{{Index: 0}}, "a,b," + secret, ""},
		{"csv too few", Format{Kind: CSV, Fields: 3}, []Column{{Index: 0}}, secret + ",b", "has 2 fields, want 3"},
		{"csv too many", Format{Kind: CSV, Fields: 3}, []Column{{Index: 0}}, "a,b,c," + secret + ",e", "has 5 fields, want 3"},
		{"csv one field", Format{Kind: CSV, Fields: 3}, []Column{{Index: 0}}, secret, "has 1 field, want 3"},
		{"csv any count", Format{Kind: CSV}, []Column{{Index: 0}}, "a,b,c," + secret, ""},
		{"csv too few for column", Format{Kind: CSV}, []Column{{Index: 2}}, secret + ",b", "has 2 fields, column _3 needs 3"},
		{"csv bad utf-8 read", Format{Kind: CSV, Fields: 2}, []Column{{Index: 1}}, "a," + secret + "\xff", "field _2 is not valid UTF-8"},
		{"csv bad utf-8 not read", Format{Kind: CSV, Fields: 2}, []Column{{Index: 0}}, "a," + secret + "\xff", ""},
		{"json invalid", Format{Kind: JSONL}, []Column{{Path: []string{"a"}}}, `{"a":"` + secret + `"`,
			"invalid JSON at byte 13 of the record: the record ends; want ',' or '}'"},
		{"json bad escape", Format{Kind: JSONL}, []Column{{Path: []string{"a"}}}, `{"a":"` + secret + `\x"}`,
			`invalid JSON at byte 13 of the record: found a letter; want one of "\/bfnrtu after '\'`},
		{"json control byte", Format{Kind: JSONL}, nil, `{"b":"` + secret + `\t\t` + "\t" + `"}`,
			"invalid JSON at byte 16 of the record: control byte 0x09 in a string"},
		{"json bad number", Format{Kind: JSONL}, nil, `{"b":-` + secret + `}`,
			"invalid JSON at byte 6 of the record: found a letter; want a value"},
		{"json leading zero", Format{Kind: JSONL}, nil, `{"b":` + secret + `,"c":012}`,
			"invalid JSON at byte 5 of the record: found a letter; want a value"},
		{"json trailing bytes", Format{Kind: JSONL}, nil, `{"b":1} {"c":2}`,
			"invalid JSON at byte 8 of the record: found '{'; want the end of the record after the object"},
		{"json missing colon", Format{Kind: JSONL}, nil, `{"b" 1}`,
			"invalid JSON at byte 5 of the record: found a digit; want ':' after a key"},
		{"json non-ASCII", Format{Kind: JSONL}, nil, "{\"b\":[1,\xc3\xa9]}",
			"invalid JSON at byte 8 of the record: found a non-ASCII byte; want a value"},
		{"json bad value after a bad number", Format{Kind: JSONL}, []Column{{Path: []string{"a"}}},
			`{"a":1e999,"b":tru}`, "invalid JSON at byte 18 of the record: found '}'; want the literal true"},
		{"json value error", Format{Kind: JSONL}, []Column{{Path: []string{"a"}}},
			`{"a":1e999,"b":true}`, `key "a": number out of the float64 range`},
		{"json array", Format{Kind: JSONL}, []Column{{Path: []string{"a"}}}, `["` + secret + `"]`, "JSON value is not an object"},
		{"json number", Format{Kind: JSONL}, nil, ` 5 `, "JSON value is not an object"},
		{"json bad utf-8", Format{Kind: JSONL}, []Column{{Path: []string{"a"}}}, `{"a":"` + secret + "\xfe" + `"}`, `key "a": string is not valid UTF-8`},
		{"json bad utf-8 not read", Format{Kind: JSONL}, []Column{{Path: []string{"a"}}}, `{"a":1,"b":"` + secret + "\xfe" + `"}`, ""},
		{"lines bad utf-8", Format{Kind: Lines}, []Column{{Index: 0}}, secret + "\xc3", "line is not valid UTF-8"},
		{"lines not read", Format{Kind: Lines}, nil, secret + "\xc3", ""},
	}
	for _, c := range cases {
		d, err := NewDecoder(c.f, c.cols)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		_, err = d.Decode([]byte(c.rec), 1234)
		if c.reason == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		var re *RecordError
		if !errors.As(err, &re) {
			t.Errorf("%s: got %v, want a *RecordError", c.name, err)
			continue
		}
		if re.OffsetBytes != 1234 || re.Reason != c.reason {
			t.Errorf("%s: got offset %d reason %q, want 1234 %q", c.name, re.OffsetBytes, re.Reason, c.reason)
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("%s: error %q quotes the record", c.name, err)
		}
	}
}

// With Format.Fields set, Decode accepts exactly the records encoding/csv
// accepts with FieldsPerRecord (on records with well-formed quoting).
func TestDecodeFieldCountMatchesEncodingCSV(t *testing.T) {
	recs := []string{`a,b,c`, `a,b`, `a,b,c,d`, `"a,b",c`, `"a,b",c,"d"`, `,,`, ``, `x`, `"",""`, `1,"2,3",4`}
	for _, rec := range recs {
		r := csv.NewReader(strings.NewReader(rec + "\n"))
		r.FieldsPerRecord = 3
		_, refErr := r.Read()
		d, err := NewDecoder(Format{Kind: CSV, Fields: 3}, []Column{{Index: 0}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = d.Decode([]byte(rec), 0)
		if rec == `` { // encoding/csv skips empty lines; Decode never gets one for CSV
			continue
		}
		if (refErr == nil) != (err == nil) {
			t.Errorf("%q: encoding/csv %v, Decode %v", rec, refErr, err)
		}
	}
	if err := (Format{Kind: JSONL, Fields: 2}).Validate(); err == nil {
		t.Error("Fields on jsonl: want an error")
	}
}
