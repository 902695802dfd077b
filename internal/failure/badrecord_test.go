package failure

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/query"
	"github.com/batonrun/baton/internal/record"
)

func TestBadRecordClassifies(t *testing.T) {
	rec := []byte("a,SECRET,c")
	cases := []struct {
		name   string
		err    error
		ok     bool
		reason string
		value  string
	}{
		{"record error", fmt.Errorf("decoding: %w", &record.RecordError{OffsetBytes: 9, Reason: "has 3 fields, want 5"}), true, "has 3 fields, want 5", "a,SECRET,c"},
		{"value error", &query.ValueError{Expr: "sum(v)", OffsetBytes: 9, Reason: "is not a number", Value: "SECRET"}, true, "sum(v): value is not a number", "SECRET"},
		{"value error without value", &query.ValueError{Expr: "v + 1", OffsetBytes: 9, Reason: "is out of range"}, true, "v + 1: value is out of range", "a,SECRET,c"},
		{"value error of no record", &query.ValueError{Expr: "sum(v)", OffsetBytes: -1, Reason: "is out of range"}, false, "", ""},
		{"too large", &record.RecordTooLargeError{OffsetBytes: 9, LimitBytes: 10}, false, "", ""},
		{"other", fmt.Errorf("reading: %w", ErrPermanent), false, "", ""},
	}
	for _, c := range cases {
		for _, show := range []bool{false, true} {
			s, ok := BadRecord(c.err, rec, show)
			if ok != c.ok {
				t.Errorf("%s: ok %v, want %v", c.name, ok, c.ok)
				continue
			}
			if !ok {
				continue
			}
			want := events.BadRecordSample{OffsetBytes: 9, Reason: c.reason}
			if show {
				want.Value = c.value
			}
			if s != want {
				t.Errorf("%s show=%v: %+v, want %+v", c.name, show, s, want)
			}
			if got := WithValue(c.err, s).Error(); strings.Contains(got, "SECRET") != show {
				t.Errorf("%s show=%v: message %q", c.name, show, got)
			}
		}
	}
	if Code(&BadRecordsError{Count: 2, Max: 1, RangeIndex: -1}) != events.CodeBadRecord {
		t.Error("BadRecordsError: want code bad_record")
	}
}

// A shown value is at most MaxBadValueBytes of valid UTF-8, a prefix of the
// value (after invalid bytes become U+FFFD), never a split character.
func TestTruncateValue(t *testing.T) {
	for _, v := range []string{"", "short", strings.Repeat("é", 40), strings.Repeat("x", 63) + "€abc",
		strings.Repeat("\xff", 100), strings.Repeat("a", 64), strings.Repeat("a", 65)} {
		got := truncateValue(v)
		valid := strings.ToValidUTF8(v, "\uFFFD")
		if len(got) > events.MaxBadValueBytes || !utf8.ValidString(got) || !strings.HasPrefix(valid, got) {
			t.Errorf("%q: got %q", v, got)
		}
		if len(valid) <= events.MaxBadValueBytes && got != valid {
			t.Errorf("%q: got %q, want it whole", v, got)
		}
		if len(valid) > events.MaxBadValueBytes && len(got) < events.MaxBadValueBytes-3 {
			t.Errorf("%q: got %q, cut too short", v, got)
		}
	}
}

func TestBadRecordsErrorMessage(t *testing.T) {
	e := &BadRecordsError{Count: 4, Max: 3, RangeIndex: 2, First: events.BadRecordSample{OffsetBytes: 77, Reason: "invalid JSON"}}
	want := "4 bad records in range 2, more than --max-bad-records 3; first at byte offset 77: invalid JSON"
	if e.Error() != want {
		t.Errorf("got %q, want %q", e.Error(), want)
	}
	e.First.Value = "SECRET"
	if !strings.Contains(e.Error(), `(value "SECRET")`) {
		t.Errorf("got %q, want the shown value", e.Error())
	}
}
