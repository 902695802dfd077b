package record

import (
	"bytes"
	"errors"
	"strings"

	"github.com/batonrun/baton/internal/value"
	"github.com/tidwall/gjson"
)

// jsonState is a Decoder's JSON Lines state: the columns' key paths as a
// tree of object keys, a scratch buffer for the current record's compacted
// nested values, and the top-level key literals of the records before.
type jsonState struct {
	nodes    []jsonNode // nodes[0] is the top-level object
	gen      uint64     // counts decoded records, for jsonNode.seen
	compact  bytes.Buffer
	shape    []jsonShapeKey // by member position in the top-level object
	stack    []byte         // jsonNestedEnd's scratch
	slotNode []int          // the node of each column slot
	valErr   error          // the current record's first value error
}

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
		js.slotNode = append(js.slotNode, n)
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

// decodeJSON validates rec as one JSON object (RFC 8259) and reads the
// columns' values in the same pass: number -> Int when it is an integer
// literal that fits int64 (an error past it), else Float (an error past
// float64); string -> Text; true/false -> Bool; null or missing -> Null;
// object or array -> Text of its compact JSON. With duplicate keys the
// first wins. A string (or nested value) the columns read that is not
// valid UTF-8 is an error naming the key; escapes are unescaped as gjson
// does (a lone surrogate becomes U+FFFD). Invalid JSON is an error naming
// the byte within the record where it stops being JSON; it takes
// precedence over an error in a value.
//
// The validating scanner is Baton's own (json_scan.go): finding a
// record's fields is core, and validating first with a library and then
// walking the record cost twice the time (gjson.Valid alone was 37 % of a
// JSON Lines job's CPU; no JSON library served here validates and
// extracts in one pass faster).
//
// Text values alias rec or the decoder's buffers: they are valid until the
// next Decode, and a caller that keeps one clones it (value.Value.Clone).
func (d *Decoder) decodeJSON(rec []byte, off int64) error {
	i := jsonSkipWS(rec, 0)
	if i >= len(rec) || rec[i] != '{' {
		return jsonRecordError(off, jsonNotObject(rec, &d.js))
	}
	js := &d.js
	js.gen++
	js.compact.Reset()
	js.valErr = nil
	end, err := d.jsonObject(rec, i, 0, 1)
	if err == nil {
		err = jsonRest(rec, end, "the end of the record after the object")
	}
	if err == nil {
		err = js.valErr
	}
	if err != nil {
		return jsonRecordError(off, err)
	}
	for slot, n := range js.slotNode { // a column whose key this record lacks is Null
		if js.nodes[n].seen != js.gen {
			d.row.vals[slot] = value.Value{}
		}
	}
	return nil
}

// jsonNotObject returns the error for a record whose first value (at
// rec[i]) is not an object: a syntax error when the record is not JSON.
func jsonNotObject(rec []byte, js *jsonState) error {
	var err error
	if js.stack, err = jsonTextError(rec, js.stack); err != nil {
		return err
	}
	return errJSONNotObject
}

// jsonTextError validates rec as one JSON value with optional whitespace
// around it; stack is jsonNestedEnd's scratch, returned for reuse.
func jsonTextError(rec, stack []byte) ([]byte, error) {
	i := jsonSkipWS(rec, 0)
	var end int
	var err error
	if i < len(rec) && (rec[i] == '[' || rec[i] == '{') {
		end, stack, err = jsonNestedEnd(rec, i, 0, stack)
	} else {
		end, _, err = jsonScalarEnd(rec, i)
	}
	if err == nil {
		err = jsonRest(rec, end, "the end of the record")
	}
	return stack, err
}

// jsonRest checks that only whitespace follows the value that ended at
// rec[end]; want names what the record should have there.
func jsonRest(rec []byte, end int, want string) error {
	if j := jsonSkipWS(rec, end); j < len(rec) {
		return jsonBad(rec, j, want)
	}
	return nil
}

var errJSONNotObject = errors.New("JSON value is not an object")

// jsonRecordError wraps err (nil stays nil) as the RecordError of the
// record at off.
func jsonRecordError(off int64, err error) error {
	if err == nil {
		return nil
	}
	return &RecordError{OffsetBytes: off, Reason: err.Error()}
}

// jsonObject validates the object at b[i] ('{'), which is at nesting
// depth depth (1 for the record), fills the columns below node n from it,
// and returns the index just past its '}'. A value error is kept in
// js.valErr and the scan goes on: a syntax error later wins over it.
func (d *Decoder) jsonObject(b []byte, i, n, depth int) (int, error) {
	if i = jsonSkipWS(b, i+1); i < len(b) && b[i] == '}' {
		return i + 1, nil
	}
	for pos := 0; ; pos++ {
		ve, err := d.jsonNextMember(b, i, n, pos, depth)
		if err != nil {
			return 0, err
		}
		if ve < len(b) && b[ve] == ',' && ve+1 < len(b) && b[ve+1] == '"' {
			i = ve + 1 // compact JSON: the next key follows
			continue
		}
		if i = jsonSkipWS(b, ve); i < len(b) && b[i] == ',' {
			i = jsonSkipWS(b, i+1)
			continue
		}
		if i < len(b) && b[i] == '}' {
			return i + 1, nil
		}
		return 0, jsonBad(b, i, "',' or '}'")
	}
}

// member validates the key at b[i], the pos-th member of an object
// of node n, and the ':' after it. It returns the child of n that the key
// names (-1 for none) and the start of the member's value.
func (js *jsonState) member(b []byte, i, n, pos int) (kid, value int, err error) {
	if i >= len(b) || b[i] != '"' {
		return -1, 0, jsonBad(b, i, "a key")
	}
	end, escaped, err := jsonStringEnd(b, i)
	if err != nil {
		return -1, 0, err
	}
	kid = js.childNamed(n, b[i:end], escaped)
	if end, err = jsonColon(b, end); err != nil {
		return -1, 0, err
	}
	value = jsonValueStart(b, end)
	if n == 0 { // remembered through the whitespace after ':' too (Python writes "key": value)
		js.remember(pos, b[i:value], kid, js.plainSlot(kid))
	}
	return kid, value, nil
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

// MaxJSONDepth is the deepest nesting of arrays and objects a JSON line
// may have (encoding/json's limit); a deeper line is a bad record.
const MaxJSONDepth = 10000
