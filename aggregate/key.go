package aggregate

import (
	"encoding/binary"
	"math"
	"strings"

	"github.com/batonrun/baton/internal/value"
)

// AppendKey appends an injective binary encoding of vals to dst. Two key
// tuples are the same group exactly when their encodings are equal: values of
// different kinds are different groups (Int 1, Float 1 and Text "1" are three
// groups), floats are compared by their bits.
func AppendKey(dst []byte, vals []value.Value) []byte {
	for _, v := range vals {
		dst = append(dst, byte(v.Kind))
		switch v.Kind {
		case value.Bool, value.Int:
			dst = binary.BigEndian.AppendUint64(dst, uint64(v.I)^(1<<63))
		case value.Float:
			dst = binary.BigEndian.AppendUint64(dst, math.Float64bits(v.F))
		case value.Text:
			dst = binary.AppendUvarint(dst, uint64(len(v.S)))
			dst = append(dst, v.S...)
		}
	}
	return dst
}

// CompareValues is value.Compare made strict for determinism: values that
// value.Compare calls equal but that differ (Int 1 and Float 1.0, Text "1.0"
// and Text "1") are ordered by kind, then by their string form. Null sorts
// first. It returns -1, 0 or +1, and 0 only for identical values.
func CompareValues(a, b value.Value) int {
	if c := value.Compare(a, b); c != 0 {
		return c
	}
	if a.Kind != b.Kind {
		if a.Kind < b.Kind {
			return -1
		}
		return 1
	}
	return strings.Compare(a.String(), b.String())
}

// CompareTuples compares two equally long tuples with CompareValues, column
// by column; desc[i] (when present) reverses column i.
func CompareTuples(a, b []value.Value, desc []bool) int {
	for i := range a {
		c := CompareValues(a[i], b[i])
		if c == 0 {
			continue
		}
		if i < len(desc) && desc[i] {
			return -c
		}
		return c
	}
	return 0
}
