package events

import (
	"errors"
	"fmt"
)

// Format describes how to cut an object into records.
type Format struct {
	// Kind is "csv", "jsonl" or "lines".
	Kind string `json:"kind"`
	// Header is true when the first CSV record is a header (offset 0 only).
	Header bool `json:"header,omitempty"`
	// Delimiter is the CSV field delimiter, one byte; "" means ",".
	Delimiter string `json:"delimiter,omitempty"`
}

// Validate checks Kind and Delimiter.
func (f Format) Validate() error {
	var errs []error
	switch f.Kind {
	case "csv", "jsonl", "lines":
	default:
		errs = append(errs, fmt.Errorf("format.kind %q: want csv, jsonl or lines", f.Kind))
	}
	if len(f.Delimiter) > 1 || f.Delimiter == "\n" || f.Delimiter == "\r" || f.Delimiter == `"` {
		errs = append(errs, fmt.Errorf("format.delimiter %q: want one byte other than CR, LF and quote", f.Delimiter))
	}
	return errors.Join(errs...)
}

// Limits bounds a job. A zero field means the documented default, applied by
// the splitter, which writes the effective values into the JobSpec.
type Limits struct {
	RangeSizeBytes int64 `json:"rangeSizeBytes,omitempty"`
	BatchSizeBytes int64 `json:"batchSizeBytes,omitempty"`
	MaxRecordBytes int64 `json:"maxRecordBytes,omitempty"`
	// MaxRanges caps the plan; a larger object gets bigger ranges.
	MaxRanges int `json:"maxRanges,omitempty"`
	// MaxHops caps the generations of one range; hitting it fails the range.
	MaxHops   int `json:"maxHops,omitempty"`
	MaxGroups int `json:"maxGroups,omitempty"`
	MaxRows   int `json:"maxRows,omitempty"`
	// MaxBadRecords is how many bad records (see BadRecordSample) the job
	// may skip; one more fails it with CodeBadRecord. 0 means none: the
	// first bad record fails the job.
	MaxBadRecords int64 `json:"maxBadRecords,omitempty"`
	// ShowBadValues puts the offending value (at most MaxBadValueBytes) in
	// bad-record samples and error messages. By default they hold no record
	// contents.
	ShowBadValues bool `json:"showBadValues,omitempty"`
	// ToleratedFailureCount and ToleratedFailurePercent (0..100) let a job
	// finish with a partial result when some ranges fail permanently, as
	// Step Functions Distributed Map's tolerated failure thresholds do (see
	// FailuresExceeded). Both zero, the default, tolerate nothing: the
	// first failed range fails the job.
	ToleratedFailureCount   int     `json:"toleratedFailureCount,omitempty"`
	ToleratedFailurePercent float64 `json:"toleratedFailurePercent,omitempty"`
}

// ToleratesFailures reports whether a failure threshold is set.
func (l Limits) ToleratesFailures() bool {
	return l.ToleratedFailureCount > 0 || l.ToleratedFailurePercent > 0
}

// FailuresExceeded reports whether failed of total ranges exceed the job's
// tolerance, mirroring Distributed Map ("the job fails if either threshold
// is exceeded"): only the thresholds that are set (non-zero) apply, and the
// job fails when failed > ToleratedFailureCount, or when
// failed*100 > ToleratedFailurePercent*total (failed/total*100 above the
// percent, computed without dividing). With no threshold set any failure
// exceeds. No failure never exceeds.
func (l Limits) FailuresExceeded(failed, total int) bool {
	switch {
	case failed <= 0:
		return false
	case !l.ToleratesFailures():
		return true
	case l.ToleratedFailureCount > 0 && failed > l.ToleratedFailureCount:
		return true
	}
	return l.ToleratedFailurePercent > 0 && float64(failed)*100 > l.ToleratedFailurePercent*float64(total)
}

// Validate rejects negative values and a percent outside 0..100.
func (l Limits) Validate() error {
	var errs []error
	for name, v := range map[string]int64{
		"rangeSizeBytes": l.RangeSizeBytes, "batchSizeBytes": l.BatchSizeBytes,
		"maxRecordBytes": l.MaxRecordBytes, "maxRanges": int64(l.MaxRanges),
		"maxHops": int64(l.MaxHops), "maxGroups": int64(l.MaxGroups), "maxRows": int64(l.MaxRows),
		"maxBadRecords": l.MaxBadRecords, "toleratedFailureCount": int64(l.ToleratedFailureCount),
	} {
		if v < 0 {
			errs = append(errs, fmt.Errorf("limits.%s is negative (%d)", name, v))
		}
	}
	if p := l.ToleratedFailurePercent; !(p >= 0 && p <= 100) {
		errs = append(errs, fmt.Errorf("limits.toleratedFailurePercent %v: want 0 to 100", p))
	}
	return errors.Join(errs...)
}

// MaxJobIDBytes is the longest job id accepted, in UTF-8 bytes (a DynamoDB
// partition key may hold 2048; the rest is left for keys built from it).
const MaxJobIDBytes = 512

// JobRequested asks for a job; sent with PutEvents by a user or by `baton run`.
type JobRequested struct {
	SchemaVersion int `json:"schemaVersion"`
	// JobID is optional; when empty the splitter derives one from the
	// envelope id, so a redelivered request maps to the same job.
	JobID string `json:"jobId,omitempty"`
	// Object names the object; the splitter pins it with Head.
	// VersionID, when set, pins that version; ETag, when set, must equal
	// the object's ETag (surrounding quotes ignored) or the job fails with
	// CodeObjectChanged. SizeBytes is ignored.
	Object ObjectRef `json:"object"`
	Query  string    `json:"query"`
	Format Format    `json:"format"`
	Limits Limits    `json:"limits"`
	Trace  *Trace    `json:"trace,omitempty"`
}

func (JobRequested) Type() string { return TypeJobRequested }

// Validate reports missing key, query and bad format or limits.
func (e JobRequested) Validate() error {
	var errs []error
	if e.Object.Key == "" {
		errs = append(errs, errors.New("object.key is required"))
	}
	if len(e.JobID) > MaxJobIDBytes {
		errs = append(errs, fmt.Errorf("jobId is %d bytes, over the limit of %d", len(e.JobID), MaxJobIDBytes))
	}
	if e.Query == "" {
		errs = append(errs, errors.New("query is required"))
	}
	errs = append(errs, e.Format.Validate(), e.Limits.Validate())
	return errors.Join(errs...)
}

// JobSpec is everything a worker needs, fixed at split time.
type JobSpec struct {
	Object ObjectRef `json:"object"`
	Query  string    `json:"query"`
	Format Format    `json:"format"`
	// Columns are the CSV header names read at offset 0 (nil without header).
	Columns []string `json:"columns,omitempty"`
	// NumFields is the field count of the first CSV record (0 otherwise).
	NumFields int    `json:"numFields,omitempty"`
	Limits    Limits `json:"limits"`
}

// Validate checks the pinned object and the format.
func (s JobSpec) Validate() error {
	var errs []error
	if s.Object.Key == "" || s.Object.ETag == "" {
		errs = append(errs, errors.New("spec.object needs key and etag"))
	}
	if s.Object.SizeBytes < 0 {
		errs = append(errs, errors.New("spec.object.sizeBytes is negative"))
	}
	if s.Query == "" {
		errs = append(errs, errors.New("spec.query is required"))
	}
	if s.Limits.RangeSizeBytes <= 0 || s.Limits.BatchSizeBytes <= 0 || s.Limits.MaxRecordBytes <= 0 || s.Limits.MaxHops <= 0 {
		errs = append(errs, errors.New("spec.limits must be effective (positive range, batch, record size and hop cap)"))
	}
	errs = append(errs, s.Format.Validate(), s.Limits.Validate())
	return errors.Join(errs...)
}

// JobStarted is the first entry of a job's log.
type JobStarted struct {
	SchemaVersion int     `json:"schemaVersion"`
	JobID         string  `json:"jobId"`
	Spec          JobSpec `json:"spec"`
	RangeCount    int     `json:"rangeCount"`
}

func (JobStarted) Type() string { return TypeJobStarted }

// Validate checks ids, spec and count.
func (e JobStarted) Validate() error {
	return errors.Join(requireID(e.JobID), e.Spec.Validate(), nonNegative("rangeCount", int64(e.RangeCount)))
}

// Stats summarises a finished job. In a partial result
// (JobSucceeded.Partial) Records, Bytes, Invocations, Hops and the bad
// records count the done ranges only; Ranges is still the number of
// planned ranges.
type Stats struct {
	Records     int64 `json:"records"`
	Bytes       int64 `json:"bytes"`
	Ranges      int   `json:"ranges"`
	Invocations int   `json:"invocations"`
	// Hops counts continuations: invocations beyond the first of each range.
	Hops int `json:"hops"`
	// BadRecords counts the records skipped as bad (at most
	// Limits.MaxBadRecords, or the job fails); they are not in Records' result.
	BadRecords int64 `json:"badRecords,omitempty"`
	// BadRecordSamples are the job's first MaxBadRecordSamples bad records
	// by byte offset.
	BadRecordSamples []BadRecordSample `json:"badRecordSamples,omitempty"`
}

// ResultTable is a query result. Cells are rendered values; Null marks SQL
// NULL cells (by row, column) so "" and NULL stay distinct.
type ResultTable struct {
	Columns []string   `json:"columns"`
	Rows    [][]string `json:"rows"`
	Kinds   [][]string `json:"kinds,omitempty"`
}

// JobSucceeded is the terminal entry of a successful job.
type JobSucceeded struct {
	SchemaVersion int         `json:"schemaVersion"`
	JobID         string      `json:"jobId"`
	Result        ResultTable `json:"result"`
	Stats         Stats       `json:"stats"`
	// Partial is true when some ranges failed within the job's tolerated
	// failures (Limits.ToleratedFailureCount/Percent): Result covers the
	// records of the done ranges only, and the failed ranges' records are
	// simply absent. FailedRanges lists them in range order.
	Partial      bool          `json:"partial,omitempty"`
	FailedRanges []FailedRange `json:"failedRanges,omitempty"`
}

// FailedRange is a range left out of a partial result: its planned byte
// span [OffsetBytes, OffsetBytes+LengthBytes) and why it failed (the
// RangeFailed code and reason).
type FailedRange struct {
	RangeIndex  int    `json:"rangeIndex"`
	OffsetBytes int64  `json:"offsetBytes"`
	LengthBytes int64  `json:"lengthBytes"`
	Code        string `json:"code"`
	Reason      string `json:"reason"`
}

func (JobSucceeded) Type() string { return TypeJobSucceeded }

// Validate checks the id, and that FailedRanges is set exactly when Partial
// is, with non-negative indexes and spans, a code and a reason.
func (e JobSucceeded) Validate() error {
	var errs []error
	if e.Partial != (len(e.FailedRanges) > 0) {
		errs = append(errs, fmt.Errorf("partial is %v with %d failedRanges: want failedRanges exactly when partial", e.Partial, len(e.FailedRanges)))
	}
	for i, f := range e.FailedRanges {
		if f.RangeIndex < 0 || f.OffsetBytes < 0 || f.LengthBytes < 0 || f.Code == "" || f.Reason == "" {
			errs = append(errs, fmt.Errorf("failedRanges[%d]: want rangeIndex, offsetBytes and lengthBytes >= 0, a code and a reason", i))
		}
	}
	return errors.Join(requireID(e.JobID), errors.Join(errs...))
}

// Failure codes callers branch on.
const (
	CodeObjectChanged = "object_changed"
	CodeObjectMissing = "object_missing"
	CodeBadQuery      = "bad_query"
	CodeBadRecord     = "bad_record"
	CodeRecordTooBig  = "record_too_large"
	CodeHopCap        = "hop_cap"
	CodeBoundary      = "record_boundary"
	CodeTooLarge      = "result_too_large"
	CodeInternal      = "internal"
	// CodeAccessDenied: the object store refused to read the object.
	CodeAccessDenied = "access_denied"
	// CodeBadRequest: a request Baton cannot serve as asked (a format it
	// cannot read, a range size below the minimum or over the cap).
	CodeBadRequest = "bad_request"
	// CodeTooManyFailures: more ranges failed than the job tolerates
	// (Limits.FailuresExceeded); the reason names the count and threshold.
	CodeTooManyFailures = "tolerated_failures_exceeded"
)

// JobFailed is the terminal entry of a failed job.
type JobFailed struct {
	SchemaVersion int    `json:"schemaVersion"`
	JobID         string `json:"jobId"`
	Code          string `json:"code"`
	Reason        string `json:"reason"`
	// RangeIndex is the failed range, or -1 when the job failed as a whole.
	RangeIndex int `json:"rangeIndex"`
}

func (JobFailed) Type() string { return TypeJobFailed }

// Validate checks id, code and reason.
func (e JobFailed) Validate() error {
	var errs []error
	if e.Code == "" || e.Reason == "" {
		errs = append(errs, errors.New("code and reason are required"))
	}
	return errors.Join(requireID(e.JobID), errors.Join(errs...))
}

// Trace carries trace context inside a detail, because EventBridge does not
// pass PutEvents' TraceHeader on to targets.
type Trace struct {
	TraceParent string `json:"traceparent,omitempty"`
	TraceState  string `json:"tracestate,omitempty"`
	XRay        string `json:"xray,omitempty"`
}

func requireID(id string) error {
	if id == "" {
		return errors.New("jobId is required")
	}
	return nil
}

func nonNegative(name string, v int64) error {
	if v < 0 {
		return fmt.Errorf("%s is negative (%d)", name, v)
	}
	return nil
}
