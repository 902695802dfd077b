package record

import (
	"errors"
	"strconv"

	"github.com/batonrun/baton/internal/value"
)

// jsonNextMember reads the member at b[i], the pos-th of an object of node
// n at nesting depth depth, and returns the index just past its value. A
// top-level key in the same place as in the records before comes with its
// column slot (jsonShapeKey), so its string or number value is set
// without a lookup.
func (d *Decoder) jsonNextMember(b []byte, i, n, pos, depth int) (int, error) {
	js := &d.js
	if n == 0 && pos < len(js.shape) && js.shape[pos].match(b, i) {
		sk := &js.shape[pos]
		vs := i + len(sk.lit)
		if vs < len(b) {
			if ve, ok, err := d.jsonScalarMember(b, vs, sk.kid, sk.slot); ok {
				return ve, err
			}
		}
		return d.jsonMember(b, jsonValueStart(b, vs), sk.kid, depth)
	}
	k, vs, err := js.member(b, i, n, pos)
	if err != nil {
		return 0, err
	}
	return d.jsonMember(b, vs, k, depth)
}

// jsonScalarMember handles a string or number value at b[vs] of a member
// whose key names node k (-1: no column's); slot is js.plainSlot(k). It
// validates the value and, unless an earlier duplicate key won, sets k's
// columns: an unescaped UTF-8 string or a short integer of a plain column
// directly, anything else through jsonSet. ok is false, with nothing
// done, for other values.
func (d *Decoder) jsonScalarMember(b []byte, vs, k, slot int) (ve int, ok bool, err error) {
	js := &d.js
	switch c := b[vs]; {
	case c == '"':
		var escaped bool
		if ve, escaped, err = jsonStringEnd(b, vs); err != nil || k < 0 || js.nodes[k].seen == js.gen {
			return ve, true, err
		}
		js.nodes[k].seen = js.gen
		if body := b[vs+1 : ve-1]; slot >= 0 && !escaped && validText(body) {
			d.row.vals[slot] = value.Value{Kind: value.Text, S: alias(body)}
		} else {
			d.jsonSet(b[vs:ve], escaped, k)
		}
		return ve, true, nil
	case c == '-' || c-'0' < 10:
		ve, iv, short, err := jsonNumberEnd(b, vs, k >= 0)
		if err != nil || k < 0 || js.nodes[k].seen == js.gen {
			return ve, true, err
		}
		js.nodes[k].seen = js.gen
		if slot >= 0 && short {
			d.row.vals[slot] = value.Value{Kind: value.Int, I: iv}
		} else {
			d.jsonSet(b[vs:ve], false, k)
		}
		return ve, true, nil
	}
	return 0, false, nil
}

// jsonMember validates the value at b[vs] of a member whose key names
// node k (-1: no column's), sets the columns of k from it unless an
// earlier duplicate key did, and returns the index just past the value.
func (d *Decoder) jsonMember(b []byte, vs, k, depth int) (ve int, err error) {
	js := &d.js
	if vs >= len(b) {
		return 0, jsonBad(b, vs, "a value")
	}
	if ve, ok, err := d.jsonScalarMember(b, vs, k, js.plainSlot(k)); ok {
		return ve, err
	}
	wanted := k >= 0 && js.nodes[k].seen != js.gen // else not a column's key, or a duplicate: the first one won
	if wanted {
		js.nodes[k].seen = js.gen
	}
	switch c := b[vs]; {
	case c == '{' && wanted && len(js.nodes[k].kids) > 0:
		ve, err = d.jsonObject(b, vs, k, depth+1)
	case c == '{' || c == '[':
		ve, js.stack, err = jsonNestedEnd(b, vs, depth, js.stack)
	default:
		ve, _, err = jsonScalarEnd(b, vs)
	}
	if err == nil && wanted {
		d.jsonSet(b[vs:ve], false, k)
	}
	return ve, err
}

// jsonSet sets the columns of node k from its value raw (escaped: a string
// with a backslash). The first value error is kept in js.valErr.
func (d *Decoder) jsonSet(raw []byte, escaped bool, k int) {
	node := &d.js.nodes[k]
	if len(node.slots) == 0 {
		return
	}
	v, err := d.jsonValue(raw, escaped)
	if err != nil {
		if d.js.valErr == nil {
			d.js.valErr = errors.New("key " + strconv.Quote(node.name) + ": " + err.Error())
		}
		return
	}
	for _, s := range node.slots {
		d.row.vals[s] = v
	}
}
