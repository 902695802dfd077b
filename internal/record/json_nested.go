package record

import "fmt"

// jsonNestedEnd validates the object or array that starts at b[i], which
// sits inside depth enclosing containers, and returns the index just past
// it. stack is scratch space for the closers still owed; it returns it for
// reuse.
func jsonNestedEnd(b []byte, i, depth int, stack []byte) (int, []byte, error) {
	stack = stack[:0]
	for {
		// A value starts at b[i].
		if c := b[i]; c == '{' || c == '[' {
			if depth+len(stack) >= MaxJSONDepth {
				return 0, stack, &jsonDepthError{At: i}
			}
			stack = append(stack, c+2) // '}' is '{'+2, ']' is '['+2
			i = jsonSkipWS(b, i+1)
			if i < len(b) && b[i] == c+2 { // empty
				stack = stack[:len(stack)-1]
				if i++; len(stack) == 0 {
					return i, stack, nil
				}
			} else {
				var err error
				if i, err = jsonMemberStart(b, i, c+2); err != nil {
					return 0, stack, err
				}
				continue
			}
		} else {
			end, _, err := jsonScalarEnd(b, i)
			if err != nil {
				return 0, stack, err
			}
			i = end
		}
		// A value ended just before b[i]: close containers, then find the next value.
		var err error
		if i, stack, err = jsonNextValue(b, i, stack); err != nil || len(stack) == 0 {
			return i, stack, err
		}
	}
}

// jsonNextValue follows the value that ended just before b[i] inside the
// containers whose closers are on stack: it pops each container that
// closes and returns the start of the next value, or the index just past
// the last closer once the stack is empty.
func jsonNextValue(b []byte, i int, stack []byte) (int, []byte, error) {
	for {
		closer := stack[len(stack)-1]
		i = jsonSkipWS(b, i)
		switch {
		case i < len(b) && b[i] == closer:
			stack = stack[:len(stack)-1]
			i++
			if len(stack) == 0 {
				return i, stack, nil
			}
		case i < len(b) && b[i] == ',':
			i, err := jsonMemberStart(b, jsonSkipWS(b, i+1), closer)
			return i, stack, err
		default:
			return 0, stack, jsonBad(b, i, fmt.Sprintf("',' or '%c'", closer))
		}
	}
}

// jsonMemberStart returns the start of the value of the member or element
// that begins at b[i] in a container closed by closer: for an object it
// validates the key and the ':' after it.
func jsonMemberStart(b []byte, i int, closer byte) (int, error) {
	if closer == ']' {
		if i >= len(b) {
			return 0, jsonBad(b, i, "a value")
		}
		return i, nil
	}
	if i >= len(b) || b[i] != '"' {
		return 0, jsonBad(b, i, "a key")
	}
	end, _, err := jsonStringEnd(b, i)
	if err != nil {
		return 0, err
	}
	if end, err = jsonColon(b, end); err != nil {
		return 0, err
	}
	if end = jsonValueStart(b, end); end >= len(b) {
		return 0, jsonBad(b, end, "a value")
	}
	return end, nil
}

// jsonColon expects optional whitespace and ':' at b[i] (after a key)
// and returns the index just past the ':'.
func jsonColon(b []byte, i int) (int, error) {
	if i < len(b) && b[i] == ':' {
		return i + 1, nil
	}
	if i = jsonSkipWS(b, i); i < len(b) && b[i] == ':' {
		return i + 1, nil
	}
	return 0, jsonBad(b, i, "':' after a key")
}

// jsonValueStart returns the index of the first byte at or after i that
// is not whitespace (the start of a value, or len(b)).
func jsonValueStart(b []byte, i int) int {
	if i < len(b) && b[i] > ' ' {
		return i
	}
	return jsonSkipWS(b, i)
}
