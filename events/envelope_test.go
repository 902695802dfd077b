package events_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/batonrun/baton/events"
)

func TestEnvelopeTruncated(t *testing.T) {
	raw := goldenBytes(t, events.TypeRangeAssigned)
	for _, n := range []int{0, 1, len(raw) / 3, len(raw) - 2} {
		var env events.Envelope
		err := json.Unmarshal(raw[:n], &env)
		var syntax *json.SyntaxError
		if !errors.As(err, &syntax) || !strings.Contains(err.Error(), "unexpected end of JSON input") {
			t.Errorf("envelope cut at byte %d of %d: error %v, want a *json.SyntaxError about the end of input", n, len(raw), err)
		}
	}
}

func TestEnvelopeFieldTypes(t *testing.T) {
	for field, bad := range map[string]string{
		"time":        `"yesterday"`,
		"resources":   `"arn:aws:s3:::b/k"`,
		"detail-type": `7`,
	} {
		raw := replaceEnvelopeField(t, events.TypeJobFailed, field, bad)
		var env events.Envelope
		err := json.Unmarshal(raw, &env)
		if err == nil {
			t.Errorf("%s = %s: envelope decoded without error", field, bad)
			continue
		}
		want := field
		if field == "time" {
			want = "yesterday" // time.Time reports the value, not the field
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%s = %s: error %q does not mention %q", field, bad, err, want)
		}
	}
}

func TestEnvelopeDetailNotAnObject(t *testing.T) {
	for _, detail := range []string{`"JobFailed"`, `[1,2]`, `42`, `null`, `true`, ``} {
		env := goldenEnvelope(t, events.TypeJobFailed)
		env.Detail = json.RawMessage(detail)
		err := events.Decode(env, new(events.JobFailed))
		if !errors.Is(err, events.ErrMalformed) || !strings.Contains(err.Error(), events.TypeJobFailed) {
			t.Errorf("detail %q: Decode error %v, want ErrMalformed naming %s", detail, err, events.TypeJobFailed)
		}
	}
	// A detail absent from the envelope JSON altogether.
	raw := replaceEnvelopeField(t, events.TypeJobFailed, "detail", "")
	var env events.Envelope
	if err := json.Unmarshal(raw, &env); err != nil {
		t.Fatal(err)
	}
	if err := events.Decode(env, new(events.JobFailed)); !errors.Is(err, events.ErrMalformed) {
		t.Errorf("envelope without detail: Decode error %v, want ErrMalformed", err)
	}
}

func TestEnvelopeDetailTypeMismatch(t *testing.T) {
	env := goldenEnvelope(t, events.TypeJobStarted)
	err := events.Decode(env, new(events.RangePlanned))
	if !errors.Is(err, events.ErrMalformed) || !strings.Contains(err.Error(), `"JobStarted"`) || !strings.Contains(err.Error(), `"RangePlanned"`) {
		t.Errorf("Decode of a JobStarted envelope into RangePlanned: %v, want ErrMalformed naming both types", err)
	}
	env.DetailType = "jobstarted" // detail-types match exactly, as EventBridge rules do
	if err := events.Decode(env, new(events.JobStarted)); !errors.Is(err, events.ErrMalformed) {
		t.Errorf("Decode with detail-type %q: %v, want ErrMalformed", env.DetailType, err)
	}
}

// replaceEnvelopeField rewrites one top-level field of a golden envelope
// (value "" deletes it).
func replaceEnvelopeField(t *testing.T, detailType, field, value string) []byte {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(goldenBytes(t, detailType), &m); err != nil {
		t.Fatal(err)
	}
	if value == "" {
		delete(m, field)
	} else {
		m[field] = json.RawMessage(value)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// utf8Bytes counts the UTF-8 encoding of s rune by rune, independently of
// len(s).
func utf8Bytes(s string) int {
	n := 0
	for _, r := range s {
		n += utf8.RuneLen(r)
	}
	return n
}

func TestEntryBytesCountsUTF8(t *testing.T) {
	const rocket = "🚀" // U+1F680: 1 rune, 2 UTF-16 units, 4 UTF-8 bytes
	plain := `{"schemaVersion":1,"reason":"launch"}`
	emoji := `{"schemaVersion":1,"reason":"launch` + rocket + `"}`
	resources := []string{"arn:aws:s3:::baton-flights-123456789012/flights/ñandú.csv"}
	at := time.Date(2026, 11, 29, 14, 0, 0, 0, time.UTC)
	env := func(detail string, at time.Time) events.Envelope {
		return events.Envelope{Version: "0", ID: "id", DetailType: events.TypeJobFailed, Source: events.Source,
			Account: "123456789012", Time: at, Region: "eu-west-1", Resources: resources, Detail: json.RawMessage(detail)}
	}
	want := utf8Bytes(emoji) + utf8Bytes(events.TypeJobFailed) + utf8Bytes(events.Source) + utf8Bytes(resources[0]) + 14
	if got := events.EntryBytes(env(emoji, at)); got != want {
		t.Errorf("EntryBytes = %d, want %d", got, want)
	}
	if d := events.EntryBytes(env(emoji, at)) - events.EntryBytes(env(plain, at)); d != 4 {
		t.Errorf("one emoji adds %d bytes, want 4 (runes %d, UTF-16 units %d)",
			d, utf8.RuneCountInString(rocket), len(utf16.Encode([]rune(rocket))))
	}
	if d := events.EntryBytes(env(plain, at)) - events.EntryBytes(env(plain, time.Time{})); d != 14 {
		t.Errorf("a set Time adds %d bytes, want 14", d)
	}
	other := env(plain, at)
	other.ID, other.Account, other.Region, other.Version = "another-id", "210987654321", "ap-southeast-2", "1"
	if events.EntryBytes(other) != events.EntryBytes(env(plain, at)) {
		t.Error("EntryBytes counts id, account, region or version, which PutEvents entries do not carry")
	}
}

func TestEntryLimits(t *testing.T) {
	if events.MaxEntryBytes != 256*1024 || events.MaxEntriesPerPut != 10 {
		t.Errorf("MaxEntryBytes = %d, MaxEntriesPerPut = %d; EventBridge allows 262144 bytes and 10 entries",
			events.MaxEntryBytes, events.MaxEntriesPerPut)
	}
	for _, k := range kinds() {
		env := goldenEnvelope(t, k.name)
		if n := events.EntryBytes(env); n > events.MaxEntryBytes || n < len(env.Detail) {
			t.Errorf("%s: golden EntryBytes %d, detail %d bytes, limit %d", k.name, n, len(env.Detail), events.MaxEntryBytes)
		}
	}
}
