// Package record finds record boundaries inside byte ranges of one object and
// decodes fields from the records it finds.
//
// Ownership rule (DESIGN.md invariant 1, the S3 Select ScanRange rule): a
// record belongs to the range [Offset, End) that holds its first byte. A
// range that does not start at 0 begins at the first record start at or after
// Offset, found by looking at the byte at Offset-1; a range reads past End to
// finish its last record. A UTF-8 byte order mark and a CSV header exist only
// at offset 0.
//
// Records end at '\n'; one '\r' before it (or before the end of the object)
// is not part of the record. The last record may lack a newline.
package record

import (
	"errors"
	"fmt"
	"strings"
)

// Kind is the record format of an object.
type Kind int

const (
	// Lines: every line is a record, empty lines included.
	Lines Kind = iota
	// CSV: RFC 4180 records; empty lines are not records and a quoted field
	// may contain line breaks.
	CSV
	// JSONL: one JSON value per line; whitespace-only lines are skipped.
	JSONL
)

// String returns the name ParseKind accepts.
func (k Kind) String() string {
	switch k {
	case Lines:
		return "lines"
	case CSV:
		return "csv"
	case JSONL:
		return "jsonl"
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// ParseKind parses a format name, case-insensitively: "lines", "csv",
// "jsonl" (also "json" and "ndjson").
func ParseKind(s string) (Kind, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "lines":
		return Lines, nil
	case "csv":
		return CSV, nil
	case "jsonl", "json", "ndjson":
		return JSONL, nil
	}
	return 0, fmt.Errorf("unknown format %q (want lines, csv or jsonl)", s)
}

// DefaultMaxRecordBytes is the record size limit when Format.MaxRecordBytes
// is 0: 64 MiB.
const DefaultMaxRecordBytes int64 = 64 << 20

// Format describes how records are laid out in an object. The zero value is
// the Lines format with a 64 MiB record limit.
type Format struct {
	Kind Kind
	// Header: the first CSV record, right after a BOM at offset 0 (empty
	// lines are not skipped before it), holds column names and is not a data
	// record. CSV only.
	Header bool
	// Delimiter separates CSV fields; 0 means ','. It must be one ASCII byte
	// other than '"', '\r' and '\n'.
	Delimiter byte
	// MaxRecordBytes bounds one record (without its terminator); 0 means
	// DefaultMaxRecordBytes.
	MaxRecordBytes int64
	// Fields, when > 0, is the field count every CSV data record must have
	// (the header's, or the first record's); a Decoder reports any other
	// count as a bad record. 0 accepts any count that holds the columns
	// read. CSV only.
	Fields int
}

// Validate reports every problem with f, joined.
func (f Format) Validate() error {
	var errs []error
	if f.Kind < Lines || f.Kind > JSONL {
		errs = append(errs, fmt.Errorf("unknown format kind %d", int(f.Kind)))
	}
	if f.Header && f.Kind != CSV {
		errs = append(errs, fmt.Errorf("a header is only supported for csv, not %s", f.Kind))
	}
	switch d := f.Delimiter; {
	case d == '"' || d == '\r' || d == '\n':
		errs = append(errs, fmt.Errorf("delimiter %q is not allowed", d))
	case d >= 0x80:
		errs = append(errs, fmt.Errorf("delimiter byte 0x%02x is not ASCII", d))
	}
	if f.Fields < 0 || (f.Fields > 0 && f.Kind != CSV) {
		errs = append(errs, fmt.Errorf("a field count (%d) is only supported for csv, and must not be negative", f.Fields))
	}
	if f.MaxRecordBytes < 0 {
		errs = append(errs, fmt.Errorf("max record size %d bytes is negative", f.MaxRecordBytes))
	}
	return errors.Join(errs...)
}

// delim returns the CSV delimiter with its default applied.
func (f Format) delim() byte {
	if f.Delimiter == 0 {
		return ','
	}
	return f.Delimiter
}

// maxRecord returns the record size limit with its default applied.
func (f Format) maxRecord() int64 {
	if f.MaxRecordBytes == 0 {
		return DefaultMaxRecordBytes
	}
	return f.MaxRecordBytes
}
