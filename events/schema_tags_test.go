package events_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/batonrun/baton/events"
)

// TestSchemaMatchesGoTags walks each Go type by reflection next to its
// schema: the property names must be exactly the JSON tags, every field that
// is not omitempty must be required, every object must reject additional
// properties, and the JSON types must match the Go kinds.
func TestSchemaMatchesGoTags(t *testing.T) {
	var omitButRequired []string
	for _, k := range kinds() {
		raw, _ := events.Schema(k.name)
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var root map[string]any
		if err := dec.Decode(&root); err != nil {
			t.Fatalf("%s: %v", k.name, err)
		}
		w := tagWalker{t: t, defs: asMap(root["$defs"])}
		w.walk(k.name, reflect.TypeOf(k.new()).Elem(), root)
		omitButRequired = append(omitButRequired, w.omitButRequired...)
	}
	// Optional in Go's encoding but required by JobSpec.Validate: the
	// splitter must write effective limits.
	var want []string
	for _, typ := range []string{"JobStarted", "RangeAssigned", "RangeContinued"} {
		for _, f := range []string{"rangeSizeBytes", "batchSizeBytes", "maxRecordBytes", "maxHops"} {
			want = append(want, typ+".spec.limits."+f)
		}
	}
	slices.Sort(want)
	slices.Sort(omitButRequired)
	if !slices.Equal(omitButRequired, want) {
		t.Errorf("omitempty fields the schemas require:\n got %v\nwant %v", omitButRequired, want)
	}
}

type tagWalker struct {
	t               *testing.T
	defs            map[string]any
	omitButRequired []string
}

var rawMessageType = reflect.TypeFor[json.RawMessage]()

func (w *tagWalker) walk(path string, typ reflect.Type, node map[string]any) {
	w.t.Helper()
	if ref, ok := node["$ref"].(string); ok {
		node = asMap(w.defs[strings.TrimPrefix(ref, "#/$defs/")])
		if node == nil {
			w.t.Fatalf("%s: dangling $ref %q", path, ref)
		}
	}
	if typ == rawMessageType {
		return // any JSON value in Go; the schema may narrow it
	}
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	w.checkJSONType(path, typ, node)
	switch typ.Kind() {
	case reflect.Struct:
		w.walkStruct(path, typ, node)
	case reflect.Slice:
		w.walk(path+"[]", typ.Elem(), asMap(node["items"]))
	}
}

func (w *tagWalker) walkStruct(path string, typ reflect.Type, node map[string]any) {
	props := asMap(node["properties"])
	var required []string
	for _, r := range asSlice(node["required"]) {
		required = append(required, r.(string))
	}
	if node["additionalProperties"] != false {
		w.t.Errorf("%s: additionalProperties is %v, want false", path, node["additionalProperties"])
	}
	var names []string
	for i := range typ.NumField() {
		f := typ.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" || name == "" {
			w.t.Fatalf("%s.%s: field without a JSON name", path, f.Name)
		}
		names = append(names, name)
		omit := strings.Contains(opts, "omitempty")
		req := slices.Contains(required, name)
		switch {
		case !omit && !req:
			w.t.Errorf("%s.%s: not omitempty in Go but not required by the schema", path, name)
		case omit && req:
			w.omitButRequired = append(w.omitButRequired, path+"."+name)
		}
		sub := asMap(props[name])
		if sub == nil {
			w.t.Errorf("%s.%s: missing from the schema's properties", path, name)
			continue
		}
		w.walk(path+"."+name, f.Type, sub)
	}
	for p := range props {
		if !slices.Contains(names, p) {
			w.t.Errorf("%s.%s: in the schema but not in the Go type %s", path, p, typ)
		}
	}
}

// checkJSONType checks node's "type" (or, without one, its enum or const
// values) against the Go kind, and that integers are bounded like Go ints.
func (w *tagWalker) checkJSONType(path string, typ reflect.Type, node map[string]any) {
	want := map[reflect.Kind]string{reflect.Int: "integer", reflect.Int64: "integer", reflect.String: "string",
		reflect.Bool: "boolean", reflect.Struct: "object", reflect.Slice: "array", reflect.Float64: "number"}[typ.Kind()]
	if want == "" {
		w.t.Fatalf("%s: unexpected Go kind %s", path, typ.Kind())
	}
	if got, ok := node["type"]; ok {
		if got != want {
			w.t.Errorf("%s: schema type %v, Go %s wants %q", path, got, typ, want)
		}
	} else {
		vals := asSlice(node["enum"])
		if c, ok := node["const"]; ok {
			vals = append(vals, c)
		}
		if len(vals) == 0 {
			w.t.Errorf("%s: no type, enum or const", path)
		}
		for _, v := range vals {
			if _, isString := v.(string); isString != (want == "string") {
				w.t.Errorf("%s: enum value %v does not fit Go %s", path, v, typ)
			}
		}
	}
	if want == "integer" && node["const"] == nil && node["maximum"] != json.Number("9223372036854775807") {
		w.t.Errorf("%s: integer maximum %v, want the int64 maximum", path, node["maximum"])
	}
}

func asMap(v any) map[string]any { m, _ := v.(map[string]any); return m }
func asSlice(v any) []any        { s, _ := v.([]any); return s }
