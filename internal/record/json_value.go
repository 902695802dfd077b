package record

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"unicode/utf8"

	"github.com/batonrun/baton/internal/value"
	"github.com/tidwall/gjson"
)

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
	if i, ok := value.ParseShortInt(raw); ok {
		return value.FromInt(i), nil
	}
	if isIntegerLiteral(raw) {
		i, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			// As a float it would lose digits: never a silently wrong number.
			return value.NullValue, errors.New("integer out of the int64 range (with an exponent, e.g. 9.3e18, it reads as a float)")
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
