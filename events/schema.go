package events

import (
	"embed"
	"strings"
)

//go:embed schema/*.json
var schemaFiles embed.FS

// Schema returns the JSON Schema (draft 2020-12) of the detail that travels
// under detailType, one of the Type* constants, as the bytes of
// schema/<detailType>.json. The schema mirrors the Go type's JSON tags:
// every field that is not omitempty or that Validate requires is required,
// unknown fields are rejected, integers are integers and schemaVersion is
// const SchemaVersion. Cross-field rules (a RangeContinued cursor inside its
// range, a checkpoint cursor not before its start) are not expressible in
// JSON Schema and are checked only by Decode.
//
// The second result is false, with nil bytes, for an unknown detail-type.
// Each call returns a fresh copy that the caller may modify; Schema is safe
// for concurrent use.
func Schema(detailType string) ([]byte, bool) {
	if detailType == "" || strings.ContainsAny(detailType, `/\.`) {
		return nil, false
	}
	b, err := schemaFiles.ReadFile("schema/" + detailType + ".json")
	if err != nil {
		return nil, false
	}
	return b, true
}
