package events_test

import "github.com/batonrun/baton/events"

// divergences lists the bad cases where the schema and events.DecodeDetail
// disagree, or where Go's error does not name the field. Each entry is a
// finding: "go accepts" entries are gaps in the Go checks (mostly because
// encoding/json cannot tell an absent field from its zero value), "schema
// accepts" entries are rules JSON Schema cannot express.
func divergences() map[string]divergence {
	const (
		absent    = "encoding/json leaves an absent field at its zero value, and Validate accepts that zero"
		negative  = "Validate does not check this field for a negative value"
		miscase   = "encoding/json matches object keys case-insensitively, so \"JobID\" fills jobId"
		crossRule = "a cross-field rule that JSON Schema cannot express; only Decode checks it"
		intFloat  = "JSON Schema's integer includes 1.0; encoding/json rejects a fraction part for an int"
	)
	d := map[string]divergence{}
	goOK := func(why string, names ...string) {
		for _, n := range names {
			d[n] = divergence{side: goAccepts, why: why}
		}
	}
	for _, k := range kinds() {
		d[k.name+"/schemaVersion 1.0"] = divergence{side: schemaAccepts, why: intFloat}
		if k.name != events.TypeJobRequested {
			goOK(miscase, k.name+"/jobId miscased key")
		}
	}
	for _, typ := range []string{"RangePlanned", "RangeAssigned", "RangeContinued"} {
		for _, f := range []string{"index", "offsetBytes", "lengthBytes"} {
			d[typ+"/range."+f+" negative"] = divergence{unnamed: true,
				why: "Range.Validate prints the Go struct (OffsetBytes:-1) instead of naming the JSON field"}
		}
	}
	goOK(absent, "RangePlanned/range missing lengthBytes", "RangeAssigned/range missing lengthBytes")
	d["RangeContinued/range missing lengthBytes"] = divergence{unnamed: true,
		why: "the zero length trips the cursor check, which names cursorBytes, not lengthBytes"}
	goOK(absent,
		"JobRequested/missing limits",
		"JobStarted/missing rangeCount",
		"RangePlanned/missing range", "RangeAssigned/missing range",
		"CheckpointCommitted/missing rangeIndex", "CheckpointCommitted/missing generation",
		"CheckpointCommitted/missing startBytes", "CheckpointCommitted/missing firstRecordBytes",
		"CheckpointCommitted/missing done", "CheckpointCommitted/missing records",
		"CheckpointCommitted/missing bytes", "CheckpointCommitted/missing batches",
		"CheckpointCommitted/missing durationMillis", "CheckpointCommitted/missing cacheHits",
		"RangeCompleted/missing rangeIndex", "RangeCompleted/missing generations",
		"RangeCompleted/missing firstRecordBytes", "RangeCompleted/missing nextRecordBytes",
		"RangeFailed/missing rangeIndex", "RangeFailed/missing generation",
		"FanInRequested/missing rangeCount",
		"JobSucceeded/missing result", "JobSucceeded/missing stats", "JobSucceeded/stats missing hops",
	)
	goOK(negative,
		"JobRequested/object.sizeBytes negative",
		"JobStarted/spec.numFields negative", "RangeAssigned/spec.numFields negative",
		"RangeContinued/spec.numFields negative",
		"CheckpointCommitted/startBytes negative", "CheckpointCommitted/firstRecordBytes negative",
		"CheckpointCommitted/records negative", "CheckpointCommitted/durationMillis negative",
		"RangeCompleted/nextRecordBytes negative",
		"RangeFailed/rangeIndex negative",
		"JobSucceeded/stats.records negative",
		"JobFailed/rangeIndex -2",
	)
	goOK("Partial is a json.RawMessage: any JSON value passes, and Validate only checks it is non-empty",
		"CheckpointCommitted/partial null", "CheckpointCommitted/partial number", "CheckpointCommitted/partial wrong type")
	goOK("an absent rangeIndex decodes as 0, blaming range 0 instead of -1 (whole job)", "JobFailed/missing rangeIndex")
	goOK("encoding/json stores null as the zero value (a nil slice)", "JobSucceeded/result.columns null")
	goOK("Go does not check kinds against value.Kind's names", "JobSucceeded/result.kinds unknown kind")
	for _, n := range []string{"RangeContinued/cursorBytes before range", "RangeContinued/cursorBytes after range",
		"CheckpointCommitted/cursorBytes before startBytes", "CheckpointCommitted/badRecordSamples more than badRecords",
		"JobSucceeded/partial without failedRanges", "JobSucceeded/failedRanges without partial"} {
		d[n] = divergence{side: schemaAccepts, why: crossRule}
	}
	return d
}
