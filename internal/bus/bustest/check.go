package bustest

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/claimcheck"
)

// place resolves a delivered envelope's claim check and finds which
// published event it is; it reports a delivery the subscription's rule
// does not match. It returns the seq and the resolved envelope.
func place(ctx context.Context, t *testing.T, h Harness, s Subscription, env events.Envelope, n int) (int, events.Envelope, bool) {
	t.Helper()
	if !slices.Contains(s.DetailTypes, env.DetailType) {
		t.Errorf("%s received a %s event; its rule matches only %v", s.Name, env.DetailType, s.DetailTypes)
		return 0, env, false
	}
	var p struct {
		Seq *int `json:"seq"`
	}
	if events.IsClaimCheck(env.Detail) && h.Blobs != nil {
		resolved, err := claimcheck.Resolve(ctx, h.Blobs, env)
		if err != nil {
			t.Errorf("%s: %v", s.Name, err)
			return 0, env, false
		}
		env = resolved
	}
	detail := env.Detail
	if err := json.Unmarshal(detail, &p); err != nil || p.Seq == nil || *p.Seq < 0 || *p.Seq >= n {
		t.Errorf("%s received a %s event the suite did not publish (%.80s): %v", s.Name, env.DetailType, detail, err)
		return 0, env, false
	}
	return *p.Seq, env, true
}

// checkSame compares a delivered copy (claim check resolved) with the
// published envelope.
func checkSame(t *testing.T, f Features, sub string, want, got events.Envelope) {
	t.Helper()
	if got.DetailType != want.DetailType || got.Source != want.Source || !got.Time.Equal(want.Time) || !slices.Equal(got.Resources, want.Resources) {
		t.Errorf("%s: delivered %s/%s at %v resources %q, published %s/%s at %v resources %q", sub,
			got.Source, got.DetailType, got.Time, got.Resources, want.Source, want.DetailType, want.Time, want.Resources)
	}
	detail := got.Detail
	if f.ReencodesDetail {
		if !jsonEqual(detail, want.Detail) {
			t.Errorf("%s: %s detail is not JSON-equal to the published one (%d vs %d bytes)", sub, want.DetailType, len(detail), len(want.Detail))
		}
		return
	}
	if !bytes.Equal(detail, want.Detail) {
		t.Errorf("%s: %s detail differs from the published bytes (%d vs %d bytes)", sub, want.DetailType, len(detail), len(want.Detail))
	}
}

func jsonEqual(a, b []byte) bool {
	va, errA := decodeJSON(a)
	vb, errB := decodeJSON(b)
	return errA == nil && errB == nil && reflect.DeepEqual(va, vb)
}

func decodeJSON(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}
