// Package events holds Baton's event types: pure data, no behaviour beyond
// validation. Each event travels as the detail of an EventBridge event
// (Envelope) and is also what the ledger stores for a job.
//
// Conventions:
//   - Every detail carries "schemaVersion" (currently SchemaVersion = 1). A
//     decoder rejects other versions with ErrUnknownSchemaVersion.
//   - Units are in field names: ...Bytes are bytes, ...Millis milliseconds.
//   - Byte ranges are half-open [OffsetBytes, OffsetBytes+LengthBytes).
//   - Decoding is strict: unknown fields, missing required fields and wrong
//     types are errors that name the field.
//
// The JSON Schema of each detail-type is in schema/<DetailType>.json and
// golden examples are in testdata/.
package events

// SchemaVersion is the version of every detail this package writes.
const SchemaVersion = 1

// Source is the EventBridge source of events Baton publishes.
const Source = "baton"

// Detail-types, as EventBridge rules match them.
const (
	TypeJobRequested   = "JobRequested"
	TypeJobStarted     = "JobStarted"
	TypeRangePlanned   = "RangePlanned"
	TypeRangeAssigned  = "RangeAssigned"
	TypeRangeContinued = "RangeContinued"
	TypeCheckpoint     = "CheckpointCommitted"
	TypeRangeCompleted = "RangeCompleted"
	TypeRangeFailed    = "RangeFailed"
	TypeFanInRequested = "FanInRequested"
	TypeJobSucceeded   = "JobSucceeded"
	TypeJobFailed      = "JobFailed"
)
