package events_test

import (
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/batonrun/baton/events"
)

func readS3Golden(t *testing.T) events.Envelope {
	t.Helper()
	b, err := os.ReadFile("testdata/s3/ObjectCreated.json")
	if err != nil {
		t.Fatal(err)
	}
	var env events.Envelope
	if err := json.Unmarshal(b, &env); err != nil {
		t.Fatal(err)
	}
	return env
}

func TestS3ObjectCreatedGolden(t *testing.T) {
	env := readS3Golden(t)
	d, err := events.DecodeS3ObjectCreated(env)
	if err != nil {
		t.Fatal(err)
	}
	key, err := d.DecodedKey()
	if err != nil {
		t.Fatal(err)
	}
	if want := "flights/2026 data+50% ü😀.csv"; key != want {
		t.Errorf("DecodedKey = %q, want %q", key, want)
	}
	if d.Bucket.Name != "baton-input-123456789012" || d.Object.SizeBytes != 106123456 || d.Object.VersionID == "" {
		t.Errorf("decoded %+v", d)
	}
}

// TestS3KeyEncodingRoundTrip encodes keys the way S3 notifications do
// (query escaping: space as '+') and checks DecodedKey undoes it.
func TestS3KeyEncodingRoundTrip(t *testing.T) {
	for _, key := range []string{"a b", "a+b", "100%", "x/%2B y", "ü/😀 é.csv", "plain/key.jsonl", "a%20b"} {
		env := readS3Golden(t)
		env.Detail = []byte(strings.Replace(string(env.Detail), "flights/2026+data%2B50%25+%C3%BC%F0%9F%98%80.csv", url.QueryEscape(key), 1))
		d, err := events.DecodeS3ObjectCreated(env)
		if err != nil {
			t.Fatalf("%q: %v", key, err)
		}
		if got, _ := d.DecodedKey(); got != key {
			t.Errorf("key %q: decoded %q", key, got)
		}
	}
}

func TestS3ObjectCreatedMalformed(t *testing.T) {
	cases := map[string]func(*events.Envelope){
		"wrong source":      func(e *events.Envelope) { e.Source = "baton" },
		"wrong detail-type": func(e *events.Envelope) { e.DetailType = "Object Deleted" },
		"bad escape":        func(e *events.Envelope) { e.Detail = []byte(`{"bucket":{"name":"b"},"object":{"key":"a%zz"}}`) },
		"no key":            func(e *events.Envelope) { e.Detail = []byte(`{"bucket":{"name":"b"},"object":{}}`) },
		"no bucket":         func(e *events.Envelope) { e.Detail = []byte(`{"object":{"key":"k"}}`) },
		"not json":          func(e *events.Envelope) { e.Detail = []byte(`[`) },
	}
	for name, mutate := range cases {
		env := readS3Golden(t)
		mutate(&env)
		if _, err := events.DecodeS3ObjectCreated(env); !errors.Is(err, events.ErrMalformed) {
			t.Errorf("%s: err = %v, want ErrMalformed", name, err)
		}
	}
}

func TestFormatFromKey(t *testing.T) {
	for key, want := range map[string]events.Format{
		"a/b.csv":    {Kind: "csv", Header: true},
		"b.tsv":      {Kind: "csv", Header: true, Delimiter: "\t"},
		"c.ndjson":   {Kind: "jsonl"},
		"d.json":     {Kind: "jsonl"},
		"logs/e.log": {Kind: "lines"},
		"dir.csv/f":  {Kind: "lines"},
	} {
		got, err := events.FormatFromKey(key)
		if err != nil || got != want {
			t.Errorf("FormatFromKey(%q) = %+v, %v; want %+v", key, got, err, want)
		}
	}
	for _, key := range []string{"x.csv.gz", "x.parquet", "x.zst", "F.CSV.GZ", "y.Parquet"} {
		if _, err := events.FormatFromKey(key); err == nil {
			t.Errorf("FormatFromKey(%s): no error for a compressed or columnar object", key)
		}
	}
}
