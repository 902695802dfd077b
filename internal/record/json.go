package record

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/batonrun/baton/internal/value"
	"github.com/tidwall/gjson"
)

// jsonState is a Decoder's JSON Lines state: the columns' key paths as a
// tree of object keys, a scratch buffer for the current record's compacted
// nested values, and the top-level key literals of the records before.
type jsonState struct {
	nodes   []jsonNode // nodes[0] is the top-level object
	gen     uint64     // counts decoded records, for jsonNode.seen
	compact bytes.Buffer
	shape   []jsonShapeKey // by member position in the top-level object
}

// jsonShapeKey remembers the key literal last seen at one member position
// of the top-level object. The records of one file mostly share their keys
// and their order, and a literal equal byte for byte names the same child,
// so a record of the same shape costs one comparison per key.
type jsonShapeKey struct {
	lit []byte // the key's literal, quotes included
	kid int    // the child of nodes[0] it names, or -1
}

// jsonShapeMax bounds the member positions remembered.
const jsonShapeMax = 64

// jsonNode is one object key on the path of one or more columns.
type jsonNode struct {
	key   string   // the object key, matched literally (after unescaping)
	name  string   // the keys from the top joined with ".", for messages
	slots []int    // the column slots whose path ends here
	kids  []int    // indexes in jsonState.nodes of the keys below this one
	keys  []string // the keys of kids, in the same order
	seen  uint64   // the record (jsonState.gen) in which this key last matched
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
	js.nodes[parent].keys = append(js.nodes[parent].keys, key)
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
	if tooDeep(rec) {
		return &RecordError{OffsetBytes: off, Reason: fmt.Sprintf("JSON nested deeper than %d levels", MaxJSONDepth)}
	}
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
	i := jsonSkipWS(obj, 1)
	for left, pos := len(js.nodes[n].kids), 0; left > 0 && i < len(obj) && obj[i] == '"'; pos++ {
		k, ke := js.key(obj, i, n, pos)
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
		if k < 0 || js.nodes[k].seen == js.gen {
			continue // not a column's key, or a duplicate: the first one won
		}
		js.nodes[k].seen = js.gen
		left--
		if err := d.jsonSet(obj[vs:ve], escaped, k, off); err != nil {
			return err
		}
	}
	return nil
}

// key reads the key literal at obj[i], the pos-th member of an object of
// node n. It returns the child of n that the key names (-1 for none) and
// the index just past the literal (-1 on input no validator accepts).
func (js *jsonState) key(obj []byte, i, n, pos int) (kid, end int) {
	if n == 0 && pos < len(js.shape) {
		if s := &js.shape[pos]; bytes.HasPrefix(obj[i:], s.lit) {
			return s.kid, i + len(s.lit)
		}
	}
	end, escaped := jsonStringEnd(obj, i)
	if end < 0 {
		return -1, -1
	}
	kid = js.childNamed(n, obj[i:end], escaped)
	if n == 0 && pos <= len(js.shape) && pos < jsonShapeMax {
		if pos == len(js.shape) {
			js.shape = append(js.shape, jsonShapeKey{})
		}
		s := &js.shape[pos]
		s.lit, s.kid = append(s.lit[:0], obj[i:end]...), kid
	}
	return kid, end
}

// childNamed returns the child of node n that the key literal lit (quotes
// included) names, or -1.
func (js *jsonState) childNamed(n int, lit []byte, escaped bool) int {
	key := lit[1 : len(lit)-1]
	if escaped {
		key = []byte(gjson.Parse(alias(lit)).Str)
	}
	node := &js.nodes[n]
	for j, kk := range node.keys {
		if string(key) == kk {
			return node.kids[j]
		}
	}
	return -1
}

// jsonSet sets the columns of node k from its value raw (escaped: a string
// with a backslash) and, when raw is an object, the columns below k.
func (d *Decoder) jsonSet(raw []byte, escaped bool, k int, off int64) error {
	node := &d.js.nodes[k]
	if len(node.slots) > 0 {
		dst := &d.row.vals[node.slots[0]]
		if err := d.jsonValueInto(dst, raw, escaped); err != nil {
			return &RecordError{OffsetBytes: off, Reason: "key " + strconv.Quote(node.name) + ": " + err.Error()}
		}
		for _, s := range node.slots[1:] {
			d.row.vals[s] = *dst
		}
	}
	if len(node.kids) > 0 && raw[0] == '{' {
		return d.jsonObject(raw, k, off)
	}
	return nil
}

// MaxJSONDepth is the deepest nesting of arrays and objects a JSON line
// may have (encoding/json's limit). gjson.Valid recurses once per level, so
// a line nested millions deep would overflow the goroutine stack: a crash,
// where it must be a bad record.
const MaxJSONDepth = 10000

// tooDeep reports whether rec nests deeper than MaxJSONDepth, which
// gjson must not be asked to validate.
func tooDeep(rec []byte) bool { return len(rec) > 2*MaxJSONDepth && jsonDepth(rec) > MaxJSONDepth }

// jsonDepth returns the deepest nesting of '[' and '{' outside strings in
// b. A line needs two bytes per level, so only lines longer than
// 2*MaxJSONDepth bytes are measured.
func jsonDepth(b []byte) int {
	depth, deepest, inString, escaped := 0, 0, false, false
	for _, c := range b {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			depth++
			deepest = max(deepest, depth)
		case c == ']' || c == '}':
			depth--
		}
	}
	return deepest
}
