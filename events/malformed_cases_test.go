package events_test

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/batonrun/baton/events"
)

// badCase is a detail that is not valid for its detail-type. By default both
// the schema and events.DecodeDetail must reject it; divergences() lists the
// cases where one of them accepts it.
type badCase struct {
	name     string // "<detail-type>/<what>"
	detail   []byte
	sentinel error  // what Go's error wraps
	field    string // what Go's message must name
}

// edit is one change to a golden detail: set path to value, or delete it
// when del is true. Paths are dot-separated JSON object keys.
type edit struct {
	path  string
	value any
	del   bool
}

func set(path string, v any) edit { return edit{path: path, value: v} }
func del(path string) edit        { return edit{path: path, del: true} }

// mutated applies edits to a fresh copy of the golden detail of detailType.
func mutated(t testing.TB, detailType string, edits ...edit) []byte {
	t.Helper()
	root := goldenDetailMap(t, detailType)
	for _, e := range edits {
		keys := strings.Split(e.path, ".")
		m := root
		for _, k := range keys[:len(keys)-1] {
			next, ok := m[k].(map[string]any)
			if !ok {
				t.Fatalf("%s: path %q: %q is not an object", detailType, e.path, k)
			}
			m = next
		}
		last := keys[len(keys)-1]
		if e.del {
			delete(m, last)
		} else {
			m[last] = e.value
		}
	}
	b, err := json.Marshal(root)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// malformedCases builds the bad details of one detail-type: generic ones
// derived from the schema's top-level properties, then specific ones.
func malformedCases(t testing.TB, detailType string) []badCase {
	t.Helper()
	name := func(what string) string { return detailType + "/" + what }
	bad := func(what, field string, edits ...edit) badCase {
		return badCase{name: name(what), detail: mutated(t, detailType, edits...), sentinel: events.ErrMalformed, field: field}
	}
	cases := []badCase{
		{name: name("empty object"), detail: []byte(`{}`), sentinel: events.ErrMalformed, field: "schemaVersion"},
		{name: name("array"), detail: []byte(`[]`), sentinel: events.ErrMalformed, field: detailType},
		{name: name("string"), detail: []byte(`"detail"`), sentinel: events.ErrMalformed, field: detailType},
		{name: name("null"), detail: []byte(`null`), sentinel: events.ErrMalformed, field: "schemaVersion"},
		{name: name("truncated"), detail: goldenTruncated(t, detailType), sentinel: events.ErrMalformed, field: detailType},
		bad("schemaVersion null", "schemaVersion", set("schemaVersion", nil)),
		bad("schemaVersion string", "schemaVersion", set("schemaVersion", "1")),
		bad("schemaVersion 1.5", "schemaVersion", set("schemaVersion", json.Number("1.5"))),
		{name: name("schemaVersion 2"), detail: mutated(t, detailType, set("schemaVersion", 2)),
			sentinel: events.ErrUnknownSchemaVersion, field: "schemaVersion 2"},
		{name: name("schemaVersion 0"), detail: mutated(t, detailType, set("schemaVersion", 0)),
			sentinel: events.ErrUnknownSchemaVersion, field: "schemaVersion 0"},
		bad("unknown field", `"colour"`, set("colour", "red")),
	}
	props, required := topLevel(t, detailType)
	for _, f := range required {
		if f != "schemaVersion" {
			cases = append(cases, bad("missing "+f, f, del(f)))
		}
	}
	for _, f := range slices.Sorted(maps.Keys(props)) {
		if f == "schemaVersion" {
			continue
		}
		if wrong, ok := wrongTypeValue(props[f]); ok {
			cases = append(cases, bad(f+" wrong type", f, set(f, wrong)))
		}
	}
	if slices.Contains(required, "jobId") {
		cases = append(cases,
			bad("jobId empty", "jobId", set("jobId", "")),
			bad("jobId miscased key", "jobId", del("jobId"), set("JobID", "job-1")))
	}
	cases = append(cases, bad("schemaVersion 1.0", "schemaVersion", set("schemaVersion", json.Number("1.0"))))
	return append(cases, specificCases(t, detailType)...)
}

// topLevel returns the schema's top-level property schemas and required
// names (after resolving one level of $ref for the property's type).
func topLevel(t testing.TB, detailType string) (map[string]map[string]any, []string) {
	t.Helper()
	raw, _ := events.Schema(detailType)
	var root map[string]any
	if err := json.Unmarshal(raw, &root); err != nil {
		t.Fatal(err)
	}
	defs := asMap(root["$defs"])
	props := map[string]map[string]any{}
	for name, p := range asMap(root["properties"]) {
		node := asMap(p)
		if ref, ok := node["$ref"].(string); ok {
			node = asMap(defs[strings.TrimPrefix(ref, "#/$defs/")])
		}
		props[name] = node
	}
	var required []string
	for _, r := range asSlice(root["required"]) {
		required = append(required, r.(string))
	}
	return props, required
}

// wrongTypeValue is a JSON value of another type than node's.
func wrongTypeValue(node map[string]any) (any, bool) {
	switch node["type"] {
	case "integer":
		return "7", true
	case "string":
		return 7, true
	case "boolean":
		return "true", true
	case "object":
		return []any{}, true
	case "array":
		return "x", true
	}
	if _, ok := node["enum"]; ok {
		return 7, true
	}
	return nil, false
}

func goldenTruncated(t testing.TB, detailType string) []byte {
	d := goldenEnvelope(t, detailType).Detail
	return d[:len(d)/2]
}
