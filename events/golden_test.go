package events_test

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/batonrun/baton/events"
)

func TestGoldenRoundTrip(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			env := goldenEnvelope(t, k.name)
			if env.Version != "0" || env.Source != events.Source || env.DetailType != k.name {
				t.Fatalf("envelope version %q source %q detail-type %q, want \"0\" %q %q",
					env.Version, env.Source, env.DetailType, events.Source, k.name)
			}
			if env.ID == "" || env.Account == "" || env.Region == "" || env.Time.IsZero() || env.Resources == nil {
				t.Fatalf("envelope misses id, account, region, time or resources: %+v", env)
			}
			d := k.new()
			if err := events.Decode(env, d); err != nil {
				t.Fatalf("Decode: %v", err)
			}
			out, err := json.Marshal(d)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			if diff := jsonDiff(t, env.Detail, out); diff != "" {
				t.Errorf("re-encoded detail differs from golden (-golden +re-encoded):\n%s", diff)
			}
		})
	}
}

// TestGoldenEncode re-wraps each decoded golden detail with Encode and
// checks the envelope Encode builds decodes back to the same detail.
func TestGoldenEncode(t *testing.T) {
	at := time.Date(2026, 11, 29, 15, 4, 5, 0, time.FixedZone("CET", 3600))
	for _, k := range kinds() {
		golden := goldenEnvelope(t, k.name)
		d := k.new()
		if err := events.Decode(golden, d); err != nil {
			t.Fatalf("%s: Decode golden: %v", k.name, err)
		}
		env, err := events.Encode("id-1", at, d)
		if err != nil {
			t.Fatalf("%s: Encode: %v", k.name, err)
		}
		if env.DetailType != k.name || env.Source != events.Source || env.Version != "0" ||
			!env.Time.Equal(at) || env.Time.Location() != time.UTC || env.Resources == nil {
			t.Errorf("%s: Encode envelope = %+v", k.name, env)
		}
		if diff := jsonDiff(t, golden.Detail, env.Detail); diff != "" {
			t.Errorf("%s: Encode detail differs (-golden +encoded):\n%s", k.name, diff)
		}
	}
}

func TestGoldenMatchesSchema(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			sch := compileSchema(t, k.name)
			if err := schemaCheck(sch, goldenEnvelope(t, k.name).Detail); err != nil {
				t.Errorf("golden detail fails its schema: %v", err)
			}
		})
	}
}

// TestGoldenFilesCoverTypes checks there is exactly one golden file and one
// schema file per detail-type, and nothing else.
func TestGoldenFilesCoverTypes(t *testing.T) {
	var want []string
	for _, k := range kinds() {
		want = append(want, k.name+".json")
	}
	slices.Sort(want)
	for _, dir := range []string{"testdata", "schema"} {
		paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range paths {
			got = append(got, filepath.Base(p))
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s/*.json = %v, want %v", dir, got, want)
		}
	}
}

func TestSchemaLookup(t *testing.T) {
	for _, k := range kinds() {
		b, ok := events.Schema(k.name)
		if !ok {
			t.Fatalf("Schema(%q) not found", k.name)
		}
		var doc struct {
			Schema string `json:"$schema"`
			ID     string `json:"$id"`
			Title  string `json:"title"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("Schema(%q): %v", k.name, err)
		}
		if doc.Title != k.name || !strings.HasSuffix(doc.ID, "/"+k.name+".json") ||
			doc.Schema != "https://json-schema.org/draft/2020-12/schema" {
			t.Errorf("Schema(%q) has $schema %q $id %q title %q", k.name, doc.Schema, doc.ID, doc.Title)
		}
		b[0] = 'X' // a caller's copy: must not change the next result
		if again, _ := events.Schema(k.name); again[0] != '{' {
			t.Errorf("Schema(%q) returned shared bytes", k.name)
		}
	}
	for _, name := range []string{"", "Nope", "jobrequested", "../schema/JobRequested", "JobRequested.json", "schema/JobRequested"} {
		if b, ok := events.Schema(name); ok || b != nil {
			t.Errorf("Schema(%q) = %d bytes, %v; want nil, false", name, len(b), ok)
		}
	}
}
