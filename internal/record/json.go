package record

import (
	"bytes"
	"encoding/json"
	"errors"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/batonrun/baton/internal/value"
	"github.com/tidwall/gjson"
)

// jsonState is a Decoder's JSON Lines state: the gjson path of each
// column slot and a scratch buffer for compacting nested values.
type jsonState struct {
	paths   []string
	compact bytes.Buffer
}

func newJSONState(cols []Column) jsonState {
	js := jsonState{paths: make([]string, len(cols))}
	for slot, c := range cols {
		js.paths[slot] = gjsonPath(c.Path)
	}
	return js
}

// gjsonPath turns object keys into a gjson path, escaping each key so that
// no key is read as a wildcard, modifier or separator.
func gjsonPath(keys []string) string {
	esc := make([]string, len(keys))
	for i, k := range keys {
		esc[i] = gjson.Escape(k)
	}
	return strings.Join(esc, ".")
}

// decodeJSON validates rec as one JSON object and looks up each path:
// number -> Int when it is an integer literal that fits int64, else Float;
// string -> Text; true/false -> Bool; null or missing -> Null; object or
// array -> Text of its compact JSON. With duplicate keys the first wins.
func (d *Decoder) decodeJSON(rec []byte, off int64) error {
	if !gjson.ValidBytes(rec) {
		return &RecordError{OffsetBytes: off, Reason: "invalid JSON"}
	}
	if t := bytes.TrimLeft(rec, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return &RecordError{OffsetBytes: off, Reason: "JSON value is not an object"}
	}
	for slot, p := range d.js.paths {
		r := gjson.GetBytes(rec, p)
		if r.Type == gjson.String && !utf8.ValidString(r.Str) {
			return &RecordError{OffsetBytes: off, Reason: "key " + strconv.Quote(p) + ": string is not valid UTF-8"}
		}
		v, err := d.jsonValue(r)
		if err != nil {
			return &RecordError{OffsetBytes: off, Reason: "key " + strconv.Quote(p) + ": " + err.Error()}
		}
		d.row.vals[slot] = v
	}
	return nil
}

type numberRangeError struct{}

func (numberRangeError) Error() string { return "number out of the float64 range" }

func (d *Decoder) jsonValue(r gjson.Result) (value.Value, error) {
	switch r.Type {
	case gjson.False:
		return value.FromBool(false), nil
	case gjson.True:
		return value.FromBool(true), nil
	case gjson.String:
		return value.FromText(r.Str), nil
	case gjson.Number:
		return jsonNumber(r.Raw)
	case gjson.JSON:
		d.js.compact.Reset()
		if err := json.Compact(&d.js.compact, []byte(r.Raw)); err != nil {
			return value.NullValue, err
		}
		return value.FromText(d.js.compact.String()), nil
	}
	return value.NullValue, nil
}

// jsonNumber types a JSON number literal: an integer literal is an Int (an
// error past int64), anything else a Float (an error past float64).
func jsonNumber(raw string) (value.Value, error) {
	if !strings.ContainsAny(raw, ".eE") {
		i, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			// As a float it would lose digits: never a silently wrong number.
			return value.NullValue, errors.New("integer out of the int64 range; write it as a string or with an exponent")
		}
		return value.FromInt(i), nil
	}
	f, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		return value.NullValue, numberRangeError{}
	}
	return value.FromFloat(f), nil
}

// SampleJSONPaths returns the dotted key paths (e.g. "a", "a.b") of the
// objects in recs, sorted and without duplicates, for validating column
// names. Invalid lines are ignored.
func SampleJSONPaths(recs [][]byte) []string {
	seen := map[string]bool{}
	for _, rec := range recs {
		if gjson.ValidBytes(rec) {
			collectPaths(gjson.ParseBytes(rec), "", seen)
		}
	}
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func collectPaths(r gjson.Result, prefix string, seen map[string]bool) {
	if !r.IsObject() {
		return
	}
	r.ForEach(func(k, v gjson.Result) bool {
		p := k.Str
		if prefix != "" {
			p = prefix + "." + p
		}
		seen[p] = true
		collectPaths(v, p, seen)
		return true
	})
}
