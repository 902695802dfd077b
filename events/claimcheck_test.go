package events_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/batonrun/baton/events"
)

func validClaim() events.ClaimCheck {
	sum := sha256.Sum256([]byte(`{"x":1}`))
	return events.ClaimCheck{Bucket: "b", Key: "claims/A/x.json", SizeBytes: 7, SHA256: hex.EncodeToString(sum[:])}
}

func TestClaimCheckRoundTrip(t *testing.T) {
	want := validClaim()
	raw, err := json.Marshal(events.ClaimCheckDetail{ClaimCheck: want})
	if err != nil {
		t.Fatal(err)
	}
	// The wire shape is fixed: one member, with these field names.
	var generic map[string]map[string]any
	if err := json.Unmarshal(raw, &generic); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"bucket", "key", "sizeBytes", "sha256"} {
		if _, ok := generic["claimCheck"][f]; !ok || len(generic) != 1 {
			t.Fatalf("%s: missing %q", raw, f)
		}
	}
	got, ok, err := events.ParseClaimCheck(raw)
	if err != nil || !ok || got != want {
		t.Fatalf("ParseClaimCheck(%s) = %+v, %v, %v", raw, got, ok, err)
	}
	if !events.IsClaimCheck(raw) {
		t.Fatal("IsClaimCheck false for a claim check")
	}
}

func TestOrdinaryDetailsAreNotClaimChecks(t *testing.T) {
	for _, raw := range []string{
		`{}`, `{"schemaVersion":1,"jobId":"j"}`, `[]`, `"claimCheck"`, `null`, `{`,
		// A detail that merely has a claimCheck member among others.
		`{"schemaVersion":1,"claimCheck":{"bucket":"b"}}`,
		`{"note":"claimCheck"}`,
	} {
		c, ok, err := events.ParseClaimCheck([]byte(raw))
		if ok || err != nil || c != (events.ClaimCheck{}) {
			t.Errorf("%s: got %+v, %v, %v; want not a claim check", raw, c, ok, err)
		}
	}
}

func TestMalformedClaimChecks(t *testing.T) {
	good := validClaim()
	cases := map[string]string{
		"not an object":  `{"claimCheck":5}`,
		"unknown field":  `{"claimCheck":{"bucket":"b","key":"k","sizeBytes":1,"sha256":"` + good.SHA256 + `","extra":1}}`,
		"missing bucket": `{"claimCheck":{"key":"k","sizeBytes":1,"sha256":"` + good.SHA256 + `"}}`,
		"negative size":  `{"claimCheck":{"bucket":"b","key":"k","sizeBytes":-1,"sha256":"` + good.SHA256 + `"}}`,
		"short digest":   `{"claimCheck":{"bucket":"b","key":"k","sizeBytes":1,"sha256":"abc"}}`,
		"upper digest":   `{"claimCheck":{"bucket":"b","key":"k","sizeBytes":1,"sha256":"` + strings.ToUpper(good.SHA256) + `"}}`,
	}
	for name, raw := range cases {
		_, ok, err := events.ParseClaimCheck([]byte(raw))
		if !ok || !errors.Is(err, events.ErrMalformed) {
			t.Errorf("%s: ok=%v err=%v; want ok and ErrMalformed", name, ok, err)
		}
	}
}

func TestClaimCheckValidateJoinsProblems(t *testing.T) {
	err := events.ClaimCheck{SizeBytes: -1}.Validate()
	for _, f := range []string{"bucket", "key", "sizeBytes", "sha256"} {
		if err == nil || !strings.Contains(err.Error(), "claimCheck."+f) {
			t.Errorf("error %v does not name %s", err, f)
		}
	}
	if err := validClaim().Validate(); err != nil {
		t.Fatal(err)
	}
}
