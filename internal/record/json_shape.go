package record

import (
	"bytes"
	"encoding/binary"
)

// jsonShapeKey remembers the key literal, and the bytes after it through
// the ':' and any whitespace after that, last seen at one member position
// of the top-level object. The records
// of one file mostly share their keys and their order, and bytes equal to
// a literal already validated name the same child, so a record of the
// same shape costs one comparison per key and its colon.
type jsonShapeKey struct {
	lit  []byte    // the key's literal, quotes included, to its value
	word [2]uint64 // lit's first 16 bytes, little-endian, zero-padded
	mask [2]uint64 // which bytes of word belong to lit
	kid  int       // the child of nodes[0] the key names, or -1
	slot int       // js.plainSlot(kid)
}

// jsonSlotComplex marks a key whose node has no column of its own,
// several, or columns below it: its values are set through jsonSet.
const jsonSlotComplex = -2

// plainSlot returns kid's column slot when kid is a plain column (one
// slot, no keys below), -1 when kid is -1 (no column), else
// jsonSlotComplex.
func (js *jsonState) plainSlot(kid int) int {
	if kid < 0 {
		return -1
	}
	if n := &js.nodes[kid]; len(n.slots) == 1 && len(n.kids) == 0 {
		return n.slots[0]
	}
	return jsonSlotComplex
}

// jsonShapeMax bounds the member positions remembered.
const jsonShapeMax = 64

// match reports whether b[i:] starts with s.lit: two masked eight-byte
// comparisons for a literal of up to 16 bytes when b has 16 bytes at i.
func (s *jsonShapeKey) match(b []byte, i int) bool {
	if i+16 <= len(b) && len(s.lit) <= 16 {
		return binary.LittleEndian.Uint64(b[i:])&s.mask[0] == s.word[0] &&
			binary.LittleEndian.Uint64(b[i+8:])&s.mask[1] == s.word[1]
	}
	return bytes.HasPrefix(b[i:], s.lit)
}

// remember records lit (a validated key literal through its ':' and the
// whitespace after it) naming
// kid as the key at member position pos.
func (js *jsonState) remember(pos int, lit []byte, kid, slot int) {
	if pos > len(js.shape) || pos >= jsonShapeMax {
		return
	}
	if pos == len(js.shape) {
		js.shape = append(js.shape, jsonShapeKey{})
	}
	s := &js.shape[pos]
	s.lit, s.kid, s.slot = append(s.lit[:0], lit...), kid, slot
	var pad [16]byte
	copy(pad[:], lit)
	for w := range 2 {
		s.word[w] = binary.LittleEndian.Uint64(pad[8*w:])
		n := min(max(len(lit)-8*w, 0), 8)
		s.mask[w] = ^uint64(0) >> (64 - 8*n) // n == 0: a shift by 64 is 0 in Go
	}
}
