package events

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// ClaimCheck points at a payload stored in the object store instead of
// travelling inline (DESIGN.md invariant 6: the claim-check pattern). The
// payload is the exact bytes that would have been inline: for an event,
// its detail JSON.
type ClaimCheck struct {
	// Bucket and Key name the stored payload.
	Bucket string `json:"bucket"`
	Key    string `json:"key"`
	// SizeBytes is the payload's length in bytes.
	SizeBytes int64 `json:"sizeBytes"`
	// SHA256 is the payload's SHA-256 digest, 64 lowercase hex digits.
	SHA256 string `json:"sha256"`
}

// Validate reports every missing or malformed field, joined.
func (c ClaimCheck) Validate() error {
	var errs []error
	if c.Bucket == "" {
		errs = append(errs, errors.New("claimCheck.bucket: missing"))
	}
	if c.Key == "" {
		errs = append(errs, errors.New("claimCheck.key: missing"))
	}
	if c.SizeBytes < 0 {
		errs = append(errs, fmt.Errorf("claimCheck.sizeBytes: %d is negative", c.SizeBytes))
	}
	if !isLowerHex(c.SHA256, 64) {
		errs = append(errs, fmt.Errorf("claimCheck.sha256: %q is not 64 lowercase hex digits", c.SHA256))
	}
	return errors.Join(errs...)
}

func isLowerHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// ClaimCheckDetail is the detail an event carries instead of a detail too
// large for one PutEvents entry (over MaxEntryBytes): exactly
// {"claimCheck": {...}}, no other member. The envelope keeps its
// detail-type, so a rule still routes the event; a receiver resolves the
// claim check before decoding the detail.
type ClaimCheckDetail struct {
	ClaimCheck ClaimCheck `json:"claimCheck"`
}

// ParseClaimCheck reports whether raw is a ClaimCheckDetail and returns its
// claim check. It returns ok=false and a nil error for any detail that is
// not an object with exactly the one member "claimCheck" (an ordinary
// detail); ok=true and an error wrapping ErrMalformed when the member is
// there but its value is not a valid ClaimCheck.
func ParseClaimCheck(raw []byte) (c ClaimCheck, ok bool, err error) {
	if !bytes.Contains(raw, []byte(`"claimCheck"`)) {
		return ClaimCheck{}, false, nil
	}
	var members map[string]json.RawMessage
	if json.Unmarshal(raw, &members) != nil || len(members) != 1 {
		return ClaimCheck{}, false, nil
	}
	inner, found := members["claimCheck"]
	if !found {
		return ClaimCheck{}, false, nil
	}
	dec := json.NewDecoder(bytes.NewReader(inner))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return ClaimCheck{}, true, fmt.Errorf("%w: claimCheck: %v", ErrMalformed, err)
	}
	if err := c.Validate(); err != nil {
		return ClaimCheck{}, true, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return c, true, nil
}

// IsClaimCheck reports whether raw has the ClaimCheckDetail shape (an
// object whose only member is "claimCheck"), valid or not.
func IsClaimCheck(raw []byte) bool {
	_, ok, _ := ParseClaimCheck(raw)
	return ok
}
