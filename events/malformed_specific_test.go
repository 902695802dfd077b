package events_test

import (
	"encoding/json"
	"testing"

	"github.com/batonrun/baton/events"
)

// Offsets of range 7 in the golden files: 32 MiB ranges.
const (
	goldenRangeOffset = 7 << 25
	goldenRangeEnd    = 8 << 25
)

// specificCases are the bad details that need knowledge of one type.
func specificCases(t testing.TB, detailType string) []badCase {
	t.Helper()
	bad := func(what, field string, edits ...edit) badCase {
		return badCase{name: detailType + "/" + what, detail: mutated(t, detailType, edits...),
			sentinel: events.ErrMalformed, field: field}
	}
	var cases []badCase
	switch detailType {
	case events.TypeJobRequested:
		cases = append(cases,
			bad("object.key empty", "object.key", set("object.key", "")),
			bad("object unknown field", `"md5"`, set("object.md5", "x")),
			bad("object.sizeBytes negative", "sizeBytes", set("object.sizeBytes", -1)),
			bad("query empty", "query", set("query", "")),
			bad("format.kind parquet", "format.kind", set("format.kind", "parquet")),
			bad("limits.maxHops negative", "limits.maxHops", set("limits.maxHops", -1)),
			bad("limits.maxBadRecords negative", "limits.maxBadRecords", set("limits.maxBadRecords", -1)),
			bad("limits.toleratedFailureCount negative", "limits.toleratedFailureCount", set("limits.toleratedFailureCount", -1)),
			bad("limits.toleratedFailurePercent 100.5", "limits.toleratedFailurePercent", set("limits.toleratedFailurePercent", json.Number("100.5"))),
			bad("limits.toleratedFailurePercent negative", "limits.toleratedFailurePercent", set("limits.toleratedFailurePercent", json.Number("-0.5"))),
			bad("limits.rangeSizeBytes 1.5", "limits.rangeSizeBytes", set("limits.rangeSizeBytes", json.Number("1.5"))),
			bad("limits.rangeSizeBytes 2^63", "limits.rangeSizeBytes", set("limits.rangeSizeBytes", json.Number("9223372036854775808"))),
			bad("trace unknown field", `"baggage"`, set("trace.baggage", "k=v")),
		)
		cases = append(cases, formatCases(bad, "format")...)
	case events.TypeJobStarted:
		cases = append(cases, bad("rangeCount negative", "rangeCount", set("rangeCount", -1)))
		cases = append(cases, specCases(bad)...)
	case events.TypeRangePlanned:
		cases = append(cases, rangeCases(bad)...)
	case events.TypeRangeAssigned:
		cases = append(cases, rangeCases(bad)...)
		cases = append(cases, specCases(bad)...)
	case events.TypeRangeContinued:
		cases = append(cases, rangeCases(bad)...)
		cases = append(cases, specCases(bad)...)
		cases = append(cases,
			bad("generation 0", "generation", set("generation", 0)),
			bad("cursorBytes negative", "cursorBytes", set("cursorBytes", -1)),
			bad("cursorBytes before range", "cursorBytes", set("cursorBytes", goldenRangeOffset-1)),
			bad("cursorBytes after range", "cursorBytes", set("cursorBytes", goldenRangeEnd+1)),
			bad("badRecordsBefore negative", "badRecordsBefore", set("badRecordsBefore", -1)),
		)
	case events.TypeCheckpoint:
		cases = append(cases,
			bad("rangeIndex negative", "rangeIndex", set("rangeIndex", -1)),
			bad("generation negative", "generation", set("generation", -1)),
			bad("startBytes negative", "startBytes", set("startBytes", -1)),
			bad("badRecords negative", "badRecords", set("badRecords", -1)),
			bad("badRecordSamples more than badRecords", "badRecordSamples", set("badRecords", 1)),
			bad("badRecordSamples missing reason", "reason", set("badRecordSamples", []any{map[string]any{"offsetBytes": 1}})),
			bad("cursorBytes before startBytes", "cursorBytes", set("cursorBytes", goldenRangeOffset)),
			bad("firstRecordBytes negative", "firstRecordBytes", set("firstRecordBytes", -1)),
			bad("records negative", "records", set("records", -1)),
			bad("durationMillis negative", "durationMillis", set("durationMillis", -1)),
			bad("stop paused", "stop", set("stop", "paused")),
			bad("partial null", "partial", set("partial", nil)),
			bad("partial number", "partial", set("partial", 5)),
		)
	case events.TypeRangeCompleted:
		cases = append(cases,
			bad("rangeIndex negative", "rangeIndex", set("rangeIndex", -1)),
			bad("generations negative", "generations", set("generations", -1)),
			bad("nextRecordBytes negative", "nextRecordBytes", set("nextRecordBytes", -1)),
			bad("trace unknown field", `"spanId"`, set("trace.spanId", "b7c8d9e0f1a2b3c4")),
		)
	case events.TypeRangeFailed:
		cases = append(cases,
			bad("rangeIndex negative", "rangeIndex", set("rangeIndex", -1)),
			bad("code empty", "code", set("code", "")),
			bad("reason empty", "reason", set("reason", "")),
		)
	case events.TypeFanInRequested:
		cases = append(cases,
			bad("rangeCount negative", "rangeCount", set("rangeCount", -1)),
			bad("trace unknown field", `"sampled"`, set("trace.sampled", true)),
		)
	case events.TypeJobSucceeded:
		cases = append(cases,
			bad("stats.records negative", "records", set("stats.records", -1)),
			bad("stats missing hops", "hops", del("stats.hops")),
			bad("result.rows not rows", "rows", set("result.rows", []any{"ATL"})),
			bad("result.columns null", "columns", set("result.columns", nil)),
			bad("result.kinds unknown kind", "kinds", set("result.kinds", []any{[]any{"decimal"}})),
			bad("partial without failedRanges", "failedRanges", del("failedRanges")),
			bad("failedRanges without partial", "failedRanges", del("partial")),
			bad("failedRanges missing code", "failedRanges[0]", set("failedRanges", []any{map[string]any{
				"rangeIndex": 7, "offsetBytes": goldenRangeOffset, "lengthBytes": 1 << 25, "reason": "r"}})),
			bad("failedRanges offsetBytes negative", "failedRanges[0]", set("failedRanges", []any{map[string]any{
				"rangeIndex": 7, "offsetBytes": -1, "lengthBytes": 1 << 25, "code": "c", "reason": "r"}})),
		)
	case events.TypeJobFailed:
		cases = append(cases,
			bad("rangeIndex -2", "rangeIndex", set("rangeIndex", -2)),
			bad("code empty", "code", set("code", "")),
		)
	}
	return cases
}

type badFunc func(what, field string, edits ...edit) badCase

func rangeCases(bad badFunc) []badCase {
	return []badCase{
		bad("range.index negative", "range.index", set("range.index", -1)),
		bad("range.offsetBytes negative", "range.offsetBytes", set("range.offsetBytes", -1)),
		bad("range.lengthBytes negative", "range.lengthBytes", set("range.lengthBytes", -1)),
		bad("range.offsetBytes string", "range.offsetBytes", set("range.offsetBytes", "0")),
		bad("range missing lengthBytes", "lengthBytes", del("range.lengthBytes")),
		bad("range unknown field", `"endBytes"`, set("range.endBytes", goldenRangeEnd)),
	}
}

func specCases(bad badFunc) []badCase {
	cases := []badCase{
		bad("spec.object.etag empty", "etag", set("spec.object.etag", "")),
		bad("spec.object.sizeBytes negative", "sizeBytes", set("spec.object.sizeBytes", -1)),
		bad("spec.query empty", "spec.query", set("spec.query", "")),
		bad("spec.limits.maxHops 0", "spec.limits", set("spec.limits.maxHops", 0)),
		bad("spec.limits missing batchSizeBytes", "spec.limits", del("spec.limits.batchSizeBytes")),
		bad("spec.limits.maxGroups negative", "limits.maxGroups", set("spec.limits.maxGroups", -1)),
		bad("spec.numFields negative", "numFields", set("spec.numFields", -1)),
		bad("spec.columns not strings", "columns", set("spec.columns", []any{1, 2})),
	}
	return append(cases, formatCases(bad, "spec.format")...)
}

func formatCases(bad badFunc, at string) []badCase {
	return []badCase{
		bad(at+".kind missing", "format.kind", del(at+".kind")),
		bad(at+".delimiter two bytes", "format.delimiter", set(at+".delimiter", ";;")),
		bad(at+".delimiter two-byte rune", "format.delimiter", set(at+".delimiter", "é")),
		bad(at+".delimiter newline", "format.delimiter", set(at+".delimiter", "\n")),
		bad(at+".delimiter quote", "format.delimiter", set(at+".delimiter", `"`)),
		bad(at+".header string", "header", set(at+".header", "yes")),
	}
}
