package record

import (
	"fmt"
	"strconv"
)

// RecordTooLargeError reports a record longer than the format's
// MaxRecordBytes. OffsetBytes is the record's first byte in the object; when
// a range start falls inside such a record, it is the range start.
type RecordTooLargeError struct {
	OffsetBytes int64
	LimitBytes  int64
}

func (e *RecordTooLargeError) Error() string {
	return fmt.Sprintf("record at byte offset %d exceeds the %s limit; raise --max-record-size",
		e.OffsetBytes, formatBytes(e.LimitBytes))
}

// RecordError reports a record that cannot be parsed: bad CSV quoting,
// invalid JSON, or too few fields. Reason never contains record contents.
type RecordError struct {
	OffsetBytes int64 // the record's first byte in the object
	Reason      string
}

func (e *RecordError) Error() string {
	return fmt.Sprintf("record at byte offset %d: %s", e.OffsetBytes, e.Reason)
}

// formatBytes renders n as "64 MiB", "4 KiB" or "1000 bytes".
func formatBytes(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return strconv.FormatInt(n>>30, 10) + " GiB"
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
