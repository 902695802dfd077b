package aggregate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
)

// wireVersion is the version of the JSON encoding below.
const wireVersion = 1

type wirePartial struct {
	Version int         `json:"version"`
	Shape   Shape       `json:"shape"`
	Limits  Limits      `json:"limits"`
	Scanned int64       `json:"recordsScanned"`
	Matched int64       `json:"recordsMatched"`
	Groups  []wireGroup `json:"groups,omitempty"`
	Rows    []wireRow   `json:"rows,omitempty"`
}

type wireGroup struct {
	Key    []wireValue `json:"key"`
	States []wireState `json:"states"`
}

type wireRow struct {
	Offset   int64       `json:"offsetBytes"`
	Values   []wireValue `json:"values"`
	SortKeys []wireValue `json:"sortKeys,omitempty"`
}

// wireState encodes floats as strings (exact, and Inf is allowed) and the
// big part of an integer sum as decimal digits.
type wireState struct {
	N        int64      `json:"n,omitempty"`
	Int      int64      `json:"int,omitempty"`
	Big      string     `json:"big,omitempty"`
	Float    string     `json:"float,omitempty"`
	Comp     string     `json:"comp,omitempty"`
	HasFloat bool       `json:"hasFloat,omitempty"`
	Min      *wireValue `json:"min,omitempty"`
	Max      *wireValue `json:"max,omitempty"`
}

// MarshalJSON encodes p deterministically: equal partials give equal bytes.
// Groups and rows are written in their sorted order (call Validate on
// hand-built partials).
func (p *PartialResult) MarshalJSON() ([]byte, error) {
	w := wirePartial{Version: wireVersion, Shape: p.Shape, Limits: p.Limits,
		Scanned: p.RecordsScanned, Matched: p.RecordsMatched}
	for _, g := range p.Groups {
		wg := wireGroup{Key: toWire(g.Key), States: make([]wireState, len(g.States))}
		for i := range g.States {
			wg.States[i] = stateToWire(&g.States[i])
		}
		w.Groups = append(w.Groups, wg)
	}
	for _, r := range p.Rows {
		w.Rows = append(w.Rows, wireRow{Offset: r.OffsetBytes, Values: toWire(r.Values), SortKeys: toWire(r.SortKeys)})
	}
	return json.Marshal(w)
}

// UnmarshalJSON decodes strictly: unknown fields, trailing data, an unknown
// version, malformed values and a partial that fails Validate are errors.
func (p *PartialResult) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var w wirePartial
	if err := dec.Decode(&w); err != nil {
		return fmt.Errorf("decoding partial result: %w", err)
	}
	if dec.More() {
		return fmt.Errorf("decoding partial result: trailing data after the object")
	}
	if w.Version != wireVersion {
		return fmt.Errorf("decoding partial result: version %d, want %d", w.Version, wireVersion)
	}
	out := PartialResult{Shape: w.Shape, Limits: w.Limits, RecordsScanned: w.Scanned, RecordsMatched: w.Matched}
	for i, wg := range w.Groups {
		g := Group{Key: fromWire(wg.Key), States: make([]State, len(wg.States))}
		for j := range wg.States {
			st, err := stateFromWire(&wg.States[j])
			if err != nil {
				return fmt.Errorf("decoding partial result: group %d, state %d: %w", i, j, err)
			}
			g.States[j] = st
		}
		out.Groups = append(out.Groups, g)
	}
	for _, wr := range w.Rows {
		out.Rows = append(out.Rows, Row{OffsetBytes: wr.Offset, Values: fromWire(wr.Values), SortKeys: fromWire(wr.SortKeys)})
	}
	if err := out.Validate(); err != nil {
		return fmt.Errorf("decoding partial result: %w", err)
	}
	*p = out
	return nil
}

func stateToWire(s *State) wireState {
	w := wireState{N: s.N, Int: s.Int, HasFloat: s.HasFloat}
	if s.Big != nil && s.Big.Sign() != 0 {
		w.Big = s.Big.String()
	}
	if s.HasFloat {
		w.Float, w.Comp = formatFloat(s.Float), formatFloat(s.Comp)
	}
	if !s.Min.IsNull() {
		v := wireValue(s.Min)
		w.Min = &v
	}
	if !s.Max.IsNull() {
		v := wireValue(s.Max)
		w.Max = &v
	}
	return w
}

func stateFromWire(w *wireState) (State, error) {
	s := State{N: w.N, Int: w.Int, HasFloat: w.HasFloat}
	if w.Big != "" {
		b, ok := new(big.Int).SetString(w.Big, 10)
		if !ok {
			return s, fmt.Errorf("bad big integer %q", w.Big)
		}
		s.Big = b
	}
	if w.HasFloat {
		var err error
		if s.Float, err = parseFloat(w.Float); err != nil {
			return s, err
		}
		if s.Comp, err = parseFloat(w.Comp); err != nil {
			return s, err
		}
	} else if w.Float != "" || w.Comp != "" {
		return s, fmt.Errorf("float sum without hasFloat")
	}
	if w.Min != nil {
		s.Min = w.Min.value()
	}
	if w.Max != nil {
		s.Max = w.Max.value()
	}
	return s, nil
}
