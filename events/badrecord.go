package events

// MaxBadRecordSamples is how many bad records a checkpoint, and a job's
// Stats, keep as samples: the first ones by byte offset.
const MaxBadRecordSamples = 10

// MaxBadValueBytes bounds BadRecordSample.Value, in bytes.
const MaxBadValueBytes = 64

// BadRecordSample is one record skipped as bad: a CSV record with the wrong
// field count, a JSON line that is not valid JSON or not an object, a text
// field the query reads that is not valid UTF-8, or a value the query
// cannot use (text that is not a number where a number is needed).
type BadRecordSample struct {
	// OffsetBytes is the record's first byte in the object.
	OffsetBytes int64 `json:"offsetBytes"`
	// Reason says what is wrong, naming the field or expression, never the
	// record's contents: "has 3 fields, want 5", "invalid JSON",
	// "sum(_3): value is not a number".
	Reason string `json:"reason"`
	// Value is the offending value (or the record, when no single value is
	// at fault), cut to MaxBadValueBytes and made valid UTF-8. It is set
	// only when the job's Limits.ShowBadValues is true.
	Value string `json:"value,omitempty"`
}
