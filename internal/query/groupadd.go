package query

import (
	"fmt"
	"strings"

	"github.com/batonrun/baton/aggregate"
	"github.com/batonrun/baton/internal/value"
)

// addGroup folds one record into its group: the aggregate arguments first
// (they may fail: the record then leaves no trace), then the group, then
// the states.
func (a *Accumulator) addGroup(e *env) error {
	if err := a.groupArgs(e); err != nil {
		return err
	}
	gi, err := a.groupOf(e)
	if err != nil {
		return err
	}
	na := len(a.aggOps)
	a.applyArgs(a.states[gi*na : (gi+1)*na])
	return nil
}

// groupArgs evaluates every aggregate's argument for one record: the
// number for sum and avg (into nums, Null when the argument is), the value
// for count, min and max (into argVals). A bare column is read from the
// Row directly. It changes no state.
func (a *Accumulator) groupArgs(e *env) error {
	for i, op := range a.aggOps {
		if op == opCountStar {
			continue
		}
		col := a.argCols[i]
		if op == opNumber && col >= 0 && e.text != nil {
			if err := a.scalarNumber(i, e, col); err != nil {
				return err
			}
			continue
		}
		var v value.Value
		if col >= 0 {
			v = e.row.Value(col)
		} else {
			var err error
			if v, err = a.p.aggs[i].arg.eval(e); err != nil {
				return err
			}
		}
		if op != opNumber {
			a.argVals[i] = v
			continue
		}
		n := &a.nums[i]
		switch v.Kind {
		case value.Null, value.Int, value.Float:
			n.kind, n.i, n.f = v.Kind, v.I, v.F
		case value.Text:
			if err := a.parseNumber(i, e, v.S); err != nil {
				return err
			}
		default:
			return a.notNumber(i, e, v)
		}
	}
	return nil
}

// scalarNumber reads aggregate i's argument, the bare column col, into
// nums[i] through the row's TextRow.Scalar.
func (a *Accumulator) scalarNumber(i int, e *env, col int) error {
	n := &a.nums[i]
	kind, iv, f, s := e.text.Scalar(col)
	switch kind {
	case value.Null, value.Int, value.Float:
		n.kind, n.i, n.f = kind, iv, f
		return nil
	case value.Text:
		return a.parseNumber(i, e, s)
	}
	return a.notNumber(i, e, e.row.Value(col))
}

// number is one record's sum or avg argument: Null, Int i or Float f.
type number struct {
	kind value.Kind
	i    int64
	f    float64
}

// parseNumber parses aggregate i's text argument s into nums[i].
func (a *Accumulator) parseNumber(i int, e *env, s string) error {
	n := &a.nums[i]
	var ok bool
	if n.kind, n.i, n.f, ok = value.ParseNumberParts(s); !ok {
		return a.notNumber(i, e, value.FromText(s))
	}
	return nil
}

func (a *Accumulator) notNumber(i int, e *env, v value.Value) error {
	return &ValueError{Expr: a.p.aggs[i].text, OffsetBytes: e.off, Reason: notNumberReason(v), Value: strings.Clone(v.String())}
}

// groupOf returns the record's group index, adding a group for a new key.
// A single bare-column Text key is looked up by its text (no encoding, no
// copy); other keys by their aggregate.AppendKey encoding.
func (a *Accumulator) groupOf(e *env) (int, error) {
	if len(a.p.keys) == 0 && len(a.encs) == 1 {
		return 0, nil // no GROUP BY: one group
	}
	if a.textKey >= 0 {
		if gi, ok := a.textGroup(e); ok {
			return gi, nil
		}
	}
	for i, k := range a.p.keys {
		if s := a.keyCols[i]; s >= 0 {
			a.keyVals[i] = e.row.Value(s)
			continue
		}
		v, err := k.eval(e)
		if err != nil {
			return 0, err
		}
		a.keyVals[i] = v
	}
	a.keyBuf = aggregate.AppendKey(a.keyBuf[:0], a.keyVals)
	if gi, ok := a.index[string(a.keyBuf)]; ok {
		return gi, nil
	}
	return a.newGroup()
}

// textGroup looks up the group of a single bare-column Text key by its
// text; ok is false when the key is not Text or its group is new.
func (a *Accumulator) textGroup(e *env) (gi int, ok bool) {
	s, ok := e.columnText(a.textKey)
	if !ok {
		return 0, false
	}
	if p, short := packText(s); short {
		return a.shortIndex.get(p)
	}
	gi, ok = a.textIndex[s]
	return gi, ok
}

// newGroup adds the group of keyVals (encoded in keyBuf), keeping clones of
// the key values.
func (a *Accumulator) newGroup() (int, error) {
	if len(a.encs) >= a.lim.MaxGroups {
		return 0, fmt.Errorf("%w: more than %d distinct group keys (limit %d)", ErrTooManyGroups, a.lim.MaxGroups, a.lim.MaxGroups)
	}
	gi := len(a.encs)
	enc := string(a.keyBuf)
	a.index[enc] = gi
	a.encs = append(a.encs, enc)
	for _, v := range a.keyVals {
		a.keys = append(a.keys, v.Clone())
	}
	if a.textKey >= 0 && a.keys[gi].Kind == value.Text { // one key: keys[gi] is it
		if p, short := packText(a.keys[gi].S); short {
			a.shortIndex.put(p, gi)
		} else {
			a.textIndex[a.keys[gi].S] = gi
		}
	}
	a.states = append(a.states, make([]aggregate.State, len(a.p.aggs))...)
	return gi, nil
}

// packText packs a text of at most 7 bytes, and its length, into a
// uint64 (distinct texts give distinct words); short is false for longer
// texts. Group keys are usually short codes, and a uint64 map key hashes
// and compares faster than a string.
func packText(s string) (p uint64, short bool) {
	if len(s) > 7 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		p |= uint64(s[i]) << (8 * i)
	}
	return p | uint64(len(s))<<56, true
}

// aggOp is what an aggregate does with one record's argument.
type aggOp uint8

const (
	opCountStar aggOp = iota // count(*): counts every record
	opCount                  // count(x): counts non-null x
	opMin
	opMax
	opNumber // sum and avg: add the number
)

func aggOpOf(d *aggDef) aggOp {
	switch {
	case d.arg == nil:
		return opCountStar
	case d.fn == aggregate.Count:
		return opCount
	case d.fn == aggregate.Min:
		return opMin
	case d.fn == aggregate.Max:
		return opMax
	}
	return opNumber
}

// applyArgs adds one record's arguments (from groupArgs) to its group's
// states st.
func (a *Accumulator) applyArgs(st []aggregate.State) {
	for i, op := range a.aggOps {
		switch op {
		case opCountStar:
			st[i].AddCount()
		case opNumber:
			switch n := &a.nums[i]; n.kind {
			case value.Int:
				st[i].AddInt(n.i)
			case value.Float:
				st[i].AddFloat(n.f)
			}
		default:
			a.applyValue(&st[i], op, &a.argVals[i])
		}
	}
}

// applyValue adds a count, min or max argument v to s.
func (a *Accumulator) applyValue(s *aggregate.State, op aggOp, v *value.Value) {
	switch {
	case v.Kind == value.Null:
	case op == opCount:
		s.AddCount()
	case op == opMin:
		s.AddMin(*v)
	case op == opMax:
		s.AddMax(*v)
	}
}
