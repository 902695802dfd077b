package record

import "fmt"

// jsonSyntaxError is invalid JSON: At is the index in the record of the
// byte where the text stopped being JSON (len(record) when it ended
// early), What describes it.
type jsonSyntaxError struct {
	At   int
	What string
}

func (e *jsonSyntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at byte %d of the record: %s", e.At, e.What)
}

// jsonDepthError is nesting deeper than MaxJSONDepth.
type jsonDepthError struct{ At int }

func (e *jsonDepthError) Error() string {
	return fmt.Sprintf("JSON nested deeper than %d levels at byte %d of the record", MaxJSONDepth, e.At)
}

// jsonBad returns the syntax error for b[i]: want names what the grammar
// allows there.
func jsonBad(b []byte, i int, want string) error {
	if i >= len(b) {
		return &jsonSyntaxError{At: len(b), What: "the record ends; want " + want}
	}
	return &jsonSyntaxError{At: i, What: "found " + jsonByteClass(b[i]) + "; want " + want}
}

// jsonByteClass names the byte c for a message: the byte itself when it
// is JSON punctuation, else its class, so that a message never quotes a
// record's contents.
func jsonByteClass(c byte) string {
	switch {
	case c < 0x20 || c == 0x7f:
		return fmt.Sprintf("control byte %#02x", c)
	case c >= 0x80:
		return "a non-ASCII byte"
	case c-'0' < 10:
		return "a digit"
	case (c|0x20)-'a' < 26:
		return "a letter"
	case c == ' ':
		return "a space"
	}
	return fmt.Sprintf("'%c'", c)
}
