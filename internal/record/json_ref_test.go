package record

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/batonrun/baton/internal/value"
)

// The reference JSON Lines decoder for differential tests: built on
// encoding/json (a json.Decoder with UseNumber reads members one by one,
// so that the first of duplicate keys wins), independent of gjson and of
// the decoder's own scanner. It applies decodeJSON's documented rules.

var (
	errRefInvalid   = errors.New("invalid JSON")
	errRefNotObject = errors.New("JSON value is not an object")
)

// refDecodeJSON returns the values of paths in line, or errRefInvalid,
// errRefNotObject, or another error for a value that cannot be typed.
func refDecodeJSON(line []byte, paths [][]string) ([]value.Value, error) {
	if !refValid(line) {
		return nil, errRefInvalid
	}
	top := bytes.TrimLeft(line, " \t\r\n")
	if top[0] != '{' {
		return nil, errRefNotObject
	}
	out := make([]value.Value, len(paths))
	for i, p := range paths {
		raw, ok := refLookup(top, p)
		if !ok {
			out[i] = value.NullValue
			continue
		}
		v, err := refValue(raw)
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", strings.Join(p, "."), err)
		}
		out[i] = v
	}
	return out, nil
}

// refValid reports whether line is exactly one JSON value (with
// surrounding whitespace) by encoding/json's grammar.
func refValid(line []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(line))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return false
	}
	_, err := dec.Token()
	return err == io.EOF
}

// refMembers returns the members of the object obj in order, keys
// unescaped by encoding/json, values raw.
func refMembers(obj []byte) (keys []string, vals []json.RawMessage) {
	dec := json.NewDecoder(bytes.NewReader(obj))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		panic(fmt.Sprintf("not an object: %q", obj))
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			panic(err)
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			panic(err)
		}
		keys, vals = append(keys, t.(string)), append(vals, raw)
	}
	return keys, vals
}

// refLookup follows path through objects, taking the first member with
// each key; ok is false when a key is missing or a value on the way is
// not an object.
func refLookup(obj []byte, path []string) (json.RawMessage, bool) {
	for depth, want := range path {
		if len(obj) == 0 || obj[0] != '{' {
			return nil, false
		}
		keys, vals := refMembers(obj)
		found := -1
		for i, k := range keys {
			if k == want {
				found = i
				break
			}
		}
		if found < 0 {
			return nil, false
		}
		if depth == len(path)-1 {
			return vals[found], true
		}
		obj = vals[found]
	}
	return nil, false
}

// refValue types one raw value by decodeJSON's rules.
func refValue(raw json.RawMessage) (value.Value, error) {
	if (raw[0] == '"' || raw[0] == '{' || raw[0] == '[') && !utf8.Valid(raw) {
		return value.NullValue, errors.New("not valid UTF-8")
	}
	switch raw[0] {
	case '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return value.FromText(s), err
	case '{', '[':
		var b bytes.Buffer
		err := json.Compact(&b, raw)
		return value.FromText(b.String()), err
	case 't', 'f':
		return value.FromBool(raw[0] == 't'), nil
	case 'n':
		return value.NullValue, nil
	}
	n := json.Number(raw)
	if !strings.ContainsAny(string(raw), ".eE") {
		i, err := n.Int64()
		return value.FromInt(i), err
	}
	f, err := n.Float64()
	return value.FromFloat(f), err
}
