package events_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/batonrun/baton/events"
)

// Divergence kinds: which side accepts a bad case.
const (
	goAccepts     = "go accepts"
	schemaAccepts = "schema accepts"
)

// TestMalformedAgreement runs every bad case through the schema and
// events.DecodeDetail. Both must reject it, unless divergences() lists the
// case; a listed case must still diverge exactly as listed, so the list
// cannot go stale. Go's error must wrap the case's sentinel and name its
// field.
func TestMalformedAgreement(t *testing.T) {
	div := divergences()
	seen := map[string]bool{}
	for _, k := range kinds() {
		sch := compileSchema(t, k.name)
		for _, c := range malformedCases(t, k.name) {
			if seen[c.name] {
				t.Fatalf("duplicate case %s", c.name)
			}
			seen[c.name] = true
			schemaErr := schemaCheck(sch, c.detail)
			goErr := events.DecodeDetail(c.detail, k.new())
			want := div[c.name]
			if (schemaErr == nil) != (want.side == schemaAccepts) {
				t.Errorf("%s: schema error = %v, listed divergence %q\ndetail: %s", c.name, schemaErr, want.side, truncate(c.detail))
			}
			if (goErr == nil) != (want.side == goAccepts) {
				t.Errorf("%s: DecodeDetail error = %v, listed divergence %q\ndetail: %s", c.name, goErr, want.side, truncate(c.detail))
			}
			if goErr == nil {
				continue
			}
			if !errors.Is(goErr, c.sentinel) {
				t.Errorf("%s: DecodeDetail error %q does not wrap %q", c.name, goErr, c.sentinel)
			}
			if !strings.Contains(goErr.Error(), c.field) && !want.unnamed {
				t.Errorf("%s: DecodeDetail error %q does not name %s", c.name, goErr, c.field)
			}
		}
	}
	for name := range div {
		if !seen[name] {
			t.Errorf("divergence %q lists no existing case", name)
		}
	}
}

// divergence says which side accepts a bad case (side), or that Go rejects
// it without naming the field (unnamed), and why.
type divergence struct {
	side    string
	unnamed bool
	why     string
}
