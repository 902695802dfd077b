package events_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/batonrun/baton/events"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// FuzzDecode feeds arbitrary bytes to DecodeDetail for the detail-type
// chosen by which. It must never panic, must fail only with ErrMalformed or
// ErrUnknownSchemaVersion, and whatever it accepts must re-marshal into a
// detail it accepts again, decoding to an equal value (empty and nil slices
// are equal, because omitempty drops an empty slice) whose encoding is
// byte-identical (encoding is a fixed point).
func FuzzDecode(f *testing.F) {
	ks := kinds()
	for i, k := range ks {
		f.Add(uint8(i), []byte(goldenEnvelope(f, k.name).Detail))
		f.Add(uint8(i), []byte(`{"schemaVersion":1}`))
	}
	f.Add(uint8(5), []byte(`{"schemaVersion":1,"JOBID":"j","stop":"done","partial":" {\"a\" : \"<\"} ","cursorBytes":3}`))
	f.Add(uint8(3), []byte(`{"schemaVersion":1,"jobId":"j","spec":{"columns":[],"object":{"key":"k","etag":"e"},"query":"q","format":{"kind":"lines"},"limits":{"rangeSizeBytes":1,"batchSizeBytes":1,"maxRecordBytes":1,"maxHops":1}},"trace":{}}`))
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		k := ks[int(which)%len(ks)]
		first := k.new()
		if err := events.DecodeDetail(data, first); err != nil {
			if !errors.Is(err, events.ErrMalformed) && !errors.Is(err, events.ErrUnknownSchemaVersion) {
				t.Fatalf("%s: error %v wraps neither sentinel", k.name, err)
			}
			return
		}
		enc, err := json.Marshal(first)
		if err != nil {
			t.Fatalf("%s: accepted %q but cannot marshal it: %v", k.name, data, err)
		}
		second := k.new()
		if err := events.DecodeDetail(enc, second); err != nil {
			t.Fatalf("%s: accepted %q but not its re-encoding %s: %v", k.name, data, enc, err)
		}
		if diff := cmp.Diff(first, second, cmpopts.EquateEmpty(), sameJSON()); diff != "" {
			t.Fatalf("%s: %q decodes differently after a round trip (-first +second):\n%s", k.name, data, diff)
		}
		again, err := json.Marshal(second)
		if err != nil || !bytes.Equal(enc, again) {
			t.Fatalf("%s: encoding is not a fixed point:\n%s\n%s (%v)", k.name, enc, again, err)
		}
	})
}

// sameJSON compares json.RawMessage values as decoded JSON, because
// json.Marshal compacts and HTML-escapes raw messages.
func sameJSON() cmp.Option {
	return cmp.Comparer(func(a, b json.RawMessage) bool {
		var x, y any
		if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
			return bytes.Equal(a, b)
		}
		return reflect.DeepEqual(x, y)
	})
}
