package aggregate

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/batonrun/baton/internal/value"
)

// wireValue is value.Value's JSON form, tagged by kind so it round-trips
// exactly: null, true/false, "text" (valid UTF-8), {"b":"base64"} (text that
// is not valid UTF-8), {"i":"-12"} (int64 as decimal digits) and
// {"f":"0.1"} (shortest float64 form that parses back to the same bits; also
// "+Inf", "-Inf").
type wireValue value.Value

type wireTagged struct {
	I *string `json:"i,omitempty"`
	F *string `json:"f,omitempty"`
	B *string `json:"b,omitempty"`
}

func (w wireValue) value() value.Value { return value.Value(w) }

func toWire(vs []value.Value) []wireValue {
	if len(vs) == 0 {
		return nil
	}
	out := make([]wireValue, len(vs))
	for i, v := range vs {
		out[i] = wireValue(v)
	}
	return out
}

func fromWire(ws []wireValue) []value.Value {
	if len(ws) == 0 {
		return nil
	}
	out := make([]value.Value, len(ws))
	for i, w := range ws {
		out[i] = w.value()
	}
	return out
}

// MarshalJSON implements json.Marshaler.
func (w wireValue) MarshalJSON() ([]byte, error) {
	switch w.Kind {
	case value.Null:
		return []byte("null"), nil
	case value.Bool:
		return strconv.AppendBool(nil, w.I != 0), nil
	case value.Int:
		s := strconv.FormatInt(w.I, 10)
		return json.Marshal(wireTagged{I: &s})
	case value.Float:
		s := formatFloat(w.F)
		return json.Marshal(wireTagged{F: &s})
	case value.Text:
		if utf8.ValidString(w.S) {
			return json.Marshal(w.S)
		}
		s := base64.StdEncoding.EncodeToString([]byte(w.S))
		return json.Marshal(wireTagged{B: &s})
	}
	return nil, fmt.Errorf("unknown value kind %d", w.Kind)
}

// UnmarshalJSON implements json.Unmarshaler, strictly.
func (w *wireValue) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch {
	case string(data) == "null":
		*w = wireValue(value.NullValue)
		return nil
	case string(data) == "true" || string(data) == "false":
		*w = wireValue(value.FromBool(data[0] == 't'))
		return nil
	case len(data) > 0 && data[0] == '"':
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		*w = wireValue(value.FromText(s))
		return nil
	case len(data) > 0 && data[0] == '{':
		return w.unmarshalTagged(data)
	}
	return fmt.Errorf("bad value %.40q", data)
}

func (w *wireValue) unmarshalTagged(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var t wireTagged
	if err := dec.Decode(&t); err != nil {
		return fmt.Errorf("bad value: %w", err)
	}
	n := 0
	for _, p := range []*string{t.I, t.F, t.B} {
		if p != nil {
			n++
		}
	}
	if n != 1 {
		return fmt.Errorf("bad value %.40q: want exactly one of i, f, b", data)
	}
	switch {
	case t.I != nil:
		i, err := strconv.ParseInt(*t.I, 10, 64)
		if err != nil {
			return fmt.Errorf("bad int value: %w", err)
		}
		*w = wireValue(value.FromInt(i))
	case t.F != nil:
		f, err := parseFloat(*t.F)
		if err != nil {
			return err
		}
		*w = wireValue(value.FromFloat(f))
	default:
		b, err := base64.StdEncoding.DecodeString(*t.B)
		if err != nil {
			return fmt.Errorf("bad bytes value: %w", err)
		}
		*w = wireValue(value.FromText(string(b)))
	}
	return nil
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func parseFloat(s string) (float64, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("bad float %q: %w", s, err)
	}
	return f, nil
}
