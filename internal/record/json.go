package record

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/batonrun/baton/internal/value"
	"github.com/tidwall/gjson"
)

// jsonState is a Decoder's JSON Lines state: the columns' key paths as a
// tree of object keys, and a scratch buffer for the current record's
// compacted nested values.
type jsonState struct {
	nodes   []jsonNode // nodes[0] is the top-level object
	gen     uint64     // counts decoded records, for jsonNode.seen
	compact bytes.Buffer
}

// jsonNode is one object key on the path of one or more columns.
type jsonNode struct {
	key   string // the object key, matched literally (after unescaping)
	name  string // the keys from the top joined with ".", for messages
	slots []int  // the column slots whose path ends here
	kids  []int  // indexes in jsonState.nodes of the keys below this one
	seen  uint64 // the record (jsonState.gen) in which this key last matched
}

func newJSONState(cols []Column) jsonState {
	js := jsonState{nodes: []jsonNode{{}}}
	for slot, c := range cols {
		n := 0
		for depth, k := range c.Path {
			n = js.child(n, k, strings.Join(c.Path[:depth+1], "."))
		}
		js.nodes[n].slots = append(js.nodes[n].slots, slot)
	}
	return js
}

// child returns the index of parent's child node for key, adding it if new.
func (js *jsonState) child(parent int, key, name string) int {
	for _, k := range js.nodes[parent].kids {
		if js.nodes[k].key == key {
			return k
		}
	}
	js.nodes = append(js.nodes, jsonNode{key: key, name: name})
	n := len(js.nodes) - 1
	js.nodes[parent].kids = append(js.nodes[parent].kids, n)
	return n
}

// decodeJSON validates rec as one JSON object (gjson.Valid) and then walks
// its members once, stopping when every column's key has been seen:
// number -> Int when it is an integer literal that fits int64 (an error
// past it), else Float (an error past float64); string -> Text; true/false
// -> Bool; null or missing -> Null; object or array -> Text of its compact
// JSON. With duplicate keys the first wins. A string (or nested value) the
// columns read that is not valid UTF-8 is an error naming the key; escapes
// are unescaped as gjson does (a lone surrogate becomes U+FFFD).
//
// Text values alias rec or the decoder's buffers: they are valid until the
// next Decode, and a caller that keeps one clones it (value.Value.Clone).
func (d *Decoder) decodeJSON(rec []byte, off int64) error {
	if !gjson.Valid(alias(rec)) {
		return &RecordError{OffsetBytes: off, Reason: "invalid JSON"}
	}
	i := jsonSkipWS(rec, 0)
	if i >= len(rec) || rec[i] != '{' {
		return &RecordError{OffsetBytes: off, Reason: "JSON value is not an object"}
	}
	for slot := range d.row.vals {
		d.row.vals[slot] = value.NullValue
	}
	d.js.gen++
	d.js.compact.Reset()
	return d.jsonObject(rec[i:], 0, off)
}

// jsonObject fills the columns below node n from the object that starts
// at obj[0] ('{'), which gjson.Valid accepted. It reads members until every
// child of n has been seen; each member costs one pass over its bytes.
func (d *Decoder) jsonObject(obj []byte, n int, off int64) error {
	js := &d.js
	kids := js.nodes[n].kids
	i := jsonSkipWS(obj, 1)
	for left := len(kids); left > 0 && i < len(obj) && obj[i] == '"'; {
		ks := i
		ke, keyEscaped := jsonStringEnd(obj, ks)
		if i = jsonSkipWS(obj, ke); ke < 0 || i >= len(obj) || obj[i] != ':' {
			return &RecordError{OffsetBytes: off, Reason: "invalid JSON"}
		}
		vs := jsonSkipWS(obj, i+1)
		ve, escaped := jsonValueEnd(obj, vs)
		if ve < 0 {
			return &RecordError{OffsetBytes: off, Reason: "invalid JSON"}
		}
		if i = jsonSkipWS(obj, ve); i < len(obj) && obj[i] == ',' {
			i = jsonSkipWS(obj, i+1)
		}
		k := js.match(kids, obj[ks:ke], keyEscaped)
		if k < 0 {
			continue
		}
		left--
		if err := d.jsonSet(obj[vs:ve], escaped, k, off); err != nil {
			return err
		}
	}
	return nil
}

// match returns the one of kids that the key literal lit (quotes included)
// names and marks it seen, or returns -1 when none does or it was seen
// already in this record (with duplicate keys the first wins).
func (js *jsonState) match(kids []int, lit []byte, escaped bool) int {
	key := lit[1 : len(lit)-1]
	if escaped {
		key = []byte(gjson.Parse(alias(lit)).Str)
	}
	for _, k := range kids {
		if node := &js.nodes[k]; string(key) == node.key {
			if node.seen == js.gen {
				return -1
			}
			node.seen = js.gen
			return k
		}
	}
	return -1
}

// jsonSet sets the columns of node k from its value raw (escaped: a string
// with a backslash) and, when raw is an object, the columns below k.
func (d *Decoder) jsonSet(raw []byte, escaped bool, k int, off int64) error {
	node := &d.js.nodes[k]
	if len(node.slots) > 0 {
		v, err := d.jsonValue(raw, escaped)
		if err != nil {
			return &RecordError{OffsetBytes: off, Reason: "key " + strconv.Quote(node.name) + ": " + err.Error()}
		}
		for _, s := range node.slots {
			d.row.vals[s] = v
		}
	}
	if len(node.kids) > 0 && raw[0] == '{' {
		return d.jsonObject(raw, k, off)
	}
	return nil
}

var errNotUTF8 = errors.New("string is not valid UTF-8")

// jsonValue types one raw JSON value (see decodeJSON).
func (d *Decoder) jsonValue(raw []byte, escaped bool) (value.Value, error) {
	switch raw[0] {
	case 'f':
		return value.FromBool(false), nil
	case 't':
		return value.FromBool(true), nil
	case 'n':
		return value.NullValue, nil
	case '"':
		return jsonString(raw, escaped)
	case '{', '[':
		return d.jsonNested(raw)
	}
	return jsonNumber(alias(raw))
}

// jsonString returns the Text of the JSON string literal raw (quotes
// included), aliasing raw unless it holds escapes.
func jsonString(raw []byte, escaped bool) (value.Value, error) {
	body := raw[1 : len(raw)-1]
	if !utf8.Valid(body) {
		return value.NullValue, errNotUTF8
	}
	if !escaped {
		return value.FromText(alias(body)), nil
	}
	return value.FromText(gjson.Parse(alias(raw)).Str), nil
}

// jsonNested returns the compact JSON text of the object or array raw,
// aliasing raw when it is compact already.
func (d *Decoder) jsonNested(raw []byte) (value.Value, error) {
	if !utf8.Valid(raw) {
		return value.NullValue, errNotUTF8
	}
	if bytes.IndexAny(raw, " \t\r\n") < 0 {
		return value.FromText(alias(raw)), nil
	}
	buf := &d.js.compact
	start := buf.Len()
	if err := json.Compact(buf, raw); err != nil {
		return value.NullValue, err
	}
	return value.FromText(alias(buf.Bytes()[start:])), nil
}

type numberRangeError struct{}

func (numberRangeError) Error() string { return "number out of the float64 range" }

// jsonNumber types a JSON number literal: an integer literal is an Int (an
// error past int64), anything else a Float (an error past float64).
func jsonNumber(raw string) (value.Value, error) {
	if i, ok := smallInt(raw); ok {
		return value.FromInt(i), nil
	}
	if isIntegerLiteral(raw) {
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

func isIntegerLiteral(raw string) bool {
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c == '.' || c == 'e' || c == 'E' {
			return false
		}
	}
	return true
}

// smallInt parses an integer literal of at most 18 digits (which always
// fits int64) faster than strconv; ok is false for anything else.
func smallInt(s string) (n int64, ok bool) {
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		s = s[1:]
	}
	if len(s) == 0 || len(s) > 18 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i] - '0'
		if c > 9 {
			return 0, false
		}
		n = n*10 + int64(c)
	}
	if neg {
		n = -n
	}
	return n, true
}
