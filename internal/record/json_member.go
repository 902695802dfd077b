package record

import (
	"errors"
	"strconv"

	"github.com/batonrun/baton/internal/value"
)

// jsonNextMember reads the member at b[i], the pos-th of an object of node
// n at nesting depth depth, and returns the index just past its value. A
// top-level key in the same place as in the records before, naming no
// column or one plain column, takes jsonFast.
func (d *Decoder) jsonNextMember(b []byte, i, n, pos, depth int) (int, error) {
	js := &d.js
	if n == 0 && pos < len(js.shape) && js.shape[pos].match(b, i) {
		sk := &js.shape[pos]
		vs := i + len(sk.lit)
		if sk.slot != jsonSlotComplex && vs < len(b) {
			if ve, ok, err := d.jsonFast(b, vs, sk.kid, sk.slot); ok {
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

// jsonFast handles a string or number value at b[vs] of a top-level
// member whose key is no column's (k < 0) or one plain column's at slot.
// ok is false for other values.
func (d *Decoder) jsonFast(b []byte, vs, k, slot int) (ve int, ok bool, err error) {
	js := &d.js
	switch c := b[vs]; {
	case c == '"':
		var escaped bool
		if ve, escaped, err = jsonStringEnd(b, vs); err != nil || k < 0 || js.nodes[k].seen == js.gen {
			return ve, true, err
		}
		js.nodes[k].seen = js.gen
		if body := b[vs+1 : ve-1]; !escaped && validText(body) {
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
		if short {
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
// Strings and short integers, the common values, are set here.
func (d *Decoder) jsonMember(b []byte, vs, k, depth int) (ve int, err error) {
	js := &d.js
	if vs >= len(b) {
		return 0, jsonBad(b, vs, "a value")
	}
	wanted := k >= 0 && js.nodes[k].seen != js.gen // else not a column's key, or a duplicate: the first one won
	if wanted {
		js.nodes[k].seen = js.gen
	}
	c := b[vs]
	switch {
	case c == '"':
		var escaped bool
		if ve, escaped, err = jsonStringEnd(b, vs); err == nil && wanted {
			if body := b[vs+1 : ve-1]; !escaped && len(js.nodes[k].slots) == 1 && validText(body) {
				d.row.vals[js.nodes[k].slots[0]] = value.Value{Kind: value.Text, S: alias(body)}
			} else {
				d.jsonSet(b[vs:ve], escaped, k)
			}
		}
		return ve, err
	case c == '-' || c-'0' < 10:
		var iv int64
		var short bool
		if ve, iv, short, err = jsonNumberEnd(b, vs, wanted); err == nil && wanted {
			if short && len(js.nodes[k].slots) == 1 {
				d.row.vals[js.nodes[k].slots[0]] = value.Value{Kind: value.Int, I: iv}
			} else {
				d.jsonSet(b[vs:ve], false, k)
			}
		}
		return ve, err
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
	dst := &d.row.vals[node.slots[0]]
	if err := d.jsonValueInto(dst, raw, escaped); err != nil {
		if d.js.valErr == nil {
			d.js.valErr = errors.New("key " + strconv.Quote(node.name) + ": " + err.Error())
		}
		return
	}
	for _, s := range node.slots[1:] {
		d.row.vals[s] = *dst
	}
}
