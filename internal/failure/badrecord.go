package failure

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/query"
	"github.com/batonrun/baton/internal/record"
)

// BadRecordsError reports more bad records than Limits.MaxBadRecords
// allows (code bad_record). RangeIndex is the range whose running count went
// over, or -1 when the job's total did (the fan-in's check). First is the
// first bad record by byte offset among those counted; its Value is set only
// when the job shows bad values, and only then does Error print it.
type BadRecordsError struct {
	Count      int64
	Max        int64
	RangeIndex int
	First      events.BadRecordSample
}

func (e *BadRecordsError) Error() string {
	scope := "the job"
	if e.RangeIndex >= 0 {
		scope = fmt.Sprintf("range %d", e.RangeIndex)
	}
	msg := fmt.Sprintf("%d bad records in %s, more than --max-bad-records %d; first at byte offset %d: %s",
		e.Count, scope, e.Max, e.First.OffsetBytes, e.First.Reason)
	if e.First.Value != "" {
		msg += fmt.Sprintf(" (value %q)", e.First.Value)
	}
	return msg
}

// BadRecord reports whether err is a bad record a job may skip, and if so
// describes it: a *record.RecordError from decoding one record, or a
// *query.ValueError tied to one record. Errors found while cutting records
// (bad CSV quoting, an oversized record) are not skippable: the record
// boundaries after them are unknown. rec is the record's bytes; with show,
// the sample's Value is the offending value (the ValueError's value, else
// the record), cut to events.MaxBadValueBytes and made valid UTF-8.
func BadRecord(err error, rec []byte, show bool) (events.BadRecordSample, bool) {
	var s events.BadRecordSample
	var recErr *record.RecordError
	var valErr *query.ValueError
	value := string(rec)
	switch {
	case errors.As(err, &recErr):
		s = events.BadRecordSample{OffsetBytes: recErr.OffsetBytes, Reason: recErr.Reason}
	case errors.As(err, &valErr) && valErr.OffsetBytes >= 0:
		s = events.BadRecordSample{OffsetBytes: valErr.OffsetBytes, Reason: valErr.Expr + ": value " + valErr.Reason}
		if valErr.Value != "" {
			value = valErr.Value
		}
	default:
		return s, false
	}
	if show {
		s.Value = truncateValue(value)
	}
	return s, true
}

// WithValue adds a sample's shown value to err's message (nothing when the
// sample has no value), keeping err in the chain.
func WithValue(err error, s events.BadRecordSample) error {
	if s.Value == "" {
		return err
	}
	return fmt.Errorf("%w (value %q)", err, s.Value)
}

// truncateValue replaces invalid UTF-8 in v with U+FFFD, then cuts it to at
// most events.MaxBadValueBytes without splitting a character.
func truncateValue(v string) string {
	v = strings.ToValidUTF8(v, "\uFFFD")
	if len(v) <= events.MaxBadValueBytes {
		return v
	}
	cut := events.MaxBadValueBytes
	for cut > 0 && !utf8.RuneStart(v[cut]) {
		cut--
	}
	return v[:cut]
}
