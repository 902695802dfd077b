package events_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/batonrun/baton/events"
	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// kind is one detail-type with a constructor for its Go type.
type kind struct {
	name string
	new  func() events.Detail
}

// kinds lists every detail-type of the package, in flow order.
func kinds() []kind {
	return []kind{
		{events.TypeJobRequested, func() events.Detail { return new(events.JobRequested) }},
		{events.TypeJobStarted, func() events.Detail { return new(events.JobStarted) }},
		{events.TypeRangePlanned, func() events.Detail { return new(events.RangePlanned) }},
		{events.TypeRangeAssigned, func() events.Detail { return new(events.RangeAssigned) }},
		{events.TypeRangeContinued, func() events.Detail { return new(events.RangeContinued) }},
		{events.TypeCheckpoint, func() events.Detail { return new(events.CheckpointCommitted) }},
		{events.TypeRangeCompleted, func() events.Detail { return new(events.RangeCompleted) }},
		{events.TypeRangeFailed, func() events.Detail { return new(events.RangeFailed) }},
		{events.TypeFanInRequested, func() events.Detail { return new(events.FanInRequested) }},
		{events.TypeJobSucceeded, func() events.Detail { return new(events.JobSucceeded) }},
		{events.TypeJobFailed, func() events.Detail { return new(events.JobFailed) }},
	}
}

// goldenBytes reads testdata/<detailType>.json.
func goldenBytes(t testing.TB, detailType string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", detailType+".json"))
	if err != nil {
		t.Fatalf("reading golden %s: %v", detailType, err)
	}
	return b
}

// goldenEnvelope strictly decodes a golden file into an Envelope, so a typo
// in an envelope field name fails here.
func goldenEnvelope(t testing.TB, detailType string) events.Envelope {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(goldenBytes(t, detailType)))
	dec.DisallowUnknownFields()
	var env events.Envelope
	if err := dec.Decode(&env); err != nil {
		t.Fatalf("decoding golden envelope %s: %v", detailType, err)
	}
	return env
}

// goldenDetailMap is the golden detail as a generic JSON object whose
// numbers are json.Number, for building malformed variants.
func goldenDetailMap(t testing.TB, detailType string) map[string]any {
	t.Helper()
	v := decodeAny(t, goldenEnvelope(t, detailType).Detail)
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("golden %s: detail is %T, want an object", detailType, v)
	}
	return m
}

// decodeAny decodes JSON into any, keeping numbers exact.
func decodeAny(t testing.TB, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decoding %q: %v", truncate(b), err)
	}
	return v
}

// jsonDiff compares two JSON documents as decoded values ("" when equal).
func jsonDiff(t testing.TB, want, got []byte) string {
	t.Helper()
	return cmp.Diff(decodeAny(t, want), decodeAny(t, got))
}

// compileSchema compiles the embedded schema of detailType.
func compileSchema(t testing.TB, detailType string) *jsonschema.Schema {
	t.Helper()
	raw, ok := events.Schema(detailType)
	if !ok {
		t.Fatalf("no schema for %s", detailType)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("schema %s is not JSON: %v", detailType, err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	loc := detailType + ".json"
	if err := c.AddResource(loc, doc); err != nil {
		t.Fatalf("adding schema %s: %v", detailType, err)
	}
	sch, err := c.Compile(loc)
	if err != nil {
		t.Fatalf("compiling schema %s: %v", detailType, err)
	}
	return sch
}

// schemaCheck validates a JSON document against sch; a document that is
// not JSON at all is an error too.
func schemaCheck(sch *jsonschema.Schema, b []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return err
	}
	return sch.Validate(inst)
}

func truncate(b []byte) string {
	if len(b) > 200 {
		return string(b[:200]) + "..."
	}
	return string(b)
}
