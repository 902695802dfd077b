package events

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Range is one planned byte range of the object: [OffsetBytes,
// OffsetBytes+LengthBytes), numbered from 0 in object order. It owns the
// records whose first byte lies inside it (the S3 Select ScanRange rule).
type Range struct {
	Index       int   `json:"index"`
	OffsetBytes int64 `json:"offsetBytes"`
	LengthBytes int64 `json:"lengthBytes"`
}

// EndBytes is the exclusive end offset.
func (r Range) EndBytes() int64 { return r.OffsetBytes + r.LengthBytes }

// Validate rejects negative fields.
func (r Range) Validate() error {
	if r.Index < 0 || r.OffsetBytes < 0 || r.LengthBytes < 0 {
		return fmt.Errorf("range %+v has a negative field", r)
	}
	return nil
}

// RangePlanned records one range of the plan in the ledger.
type RangePlanned struct {
	SchemaVersion int    `json:"schemaVersion"`
	JobID         string `json:"jobId"`
	Range         Range  `json:"range"`
}

func (RangePlanned) Type() string { return TypeRangePlanned }

// Validate checks id and range.
func (e RangePlanned) Validate() error { return errors.Join(requireID(e.JobID), e.Range.Validate()) }

// RangeAssigned starts generation 0 of a range (fan-out).
type RangeAssigned struct {
	SchemaVersion int     `json:"schemaVersion"`
	JobID         string  `json:"jobId"`
	Range         Range   `json:"range"`
	Spec          JobSpec `json:"spec"`
	Trace         *Trace  `json:"trace,omitempty"`
	// Attempt is the job attempt this event belongs to: 0 is the first
	// run; a >= 1 is a retry of failed ranges (baton redrive JOB --failed),
	// whose ledger keys are namespaced by attempt (internal/joblog.Keys).
	Attempt int `json:"attempt,omitempty"`
}

func (RangeAssigned) Type() string { return TypeRangeAssigned }

// Validate checks id, range and spec.
func (e RangeAssigned) Validate() error {
	return errors.Join(requireID(e.JobID), e.Range.Validate(), e.Spec.Validate(), nonNegative("attempt", int64(e.Attempt)))
}

// RangeContinued hands the rest of a range to the next invocation
// (recursion). CursorBytes is a record start inside the range: the first
// byte not yet processed.
type RangeContinued struct {
	SchemaVersion int     `json:"schemaVersion"`
	JobID         string  `json:"jobId"`
	Range         Range   `json:"range"`
	Spec          JobSpec `json:"spec"`
	// Generation is the hop number of the invocation this event starts (>= 1).
	Generation  int   `json:"generation"`
	CursorBytes int64 `json:"cursorBytes"`
	// BadRecordsBefore is how many bad records the range's earlier
	// generations skipped, so each worker checks the range's running count
	// against Limits.MaxBadRecords.
	BadRecordsBefore int64  `json:"badRecordsBefore,omitempty"`
	Trace            *Trace `json:"trace,omitempty"`
	// Attempt is the job attempt this event belongs to: 0 is the first
	// run; a >= 1 is a retry of failed ranges (baton redrive JOB --failed),
	// whose ledger keys are namespaced by attempt (internal/joblog.Keys).
	Attempt int `json:"attempt,omitempty"`
}

func (RangeContinued) Type() string { return TypeRangeContinued }

// Validate checks the generation and that the cursor lies in the range.
func (e RangeContinued) Validate() error {
	var errs []error
	if e.Generation < 1 {
		errs = append(errs, fmt.Errorf("generation %d: want >= 1", e.Generation))
	}
	if e.CursorBytes < e.Range.OffsetBytes || e.CursorBytes > e.Range.EndBytes() {
		errs = append(errs, fmt.Errorf("cursorBytes %d outside range [%d, %d)", e.CursorBytes, e.Range.OffsetBytes, e.Range.EndBytes()))
	}
	errs = append(errs, nonNegative("badRecordsBefore", e.BadRecordsBefore), nonNegative("attempt", int64(e.Attempt)))
	return errors.Join(requireID(e.JobID), e.Range.Validate(), e.Spec.Validate(), errors.Join(errs...))
}

// Stop reasons of an invocation.
const (
	StopDone     = "done"
	StopDeadline = "deadline"
)

// CheckpointCommitted is the ledger entry one invocation (job, range,
// generation) appends at most once: the span of bytes it processed and the
// partial result of exactly those records.
type CheckpointCommitted struct {
	SchemaVersion int    `json:"schemaVersion"`
	JobID         string `json:"jobId"`
	RangeIndex    int    `json:"rangeIndex"`
	Generation    int    `json:"generation"`
	// StartBytes is where this invocation began; CursorBytes is the next
	// record start after what it processed.
	StartBytes  int64 `json:"startBytes"`
	CursorBytes int64 `json:"cursorBytes"`
	// FirstRecordBytes is where generation 0 found the range's first record
	// start (the sync point). A later generation copies it from generation 0
	// into its final (Done) checkpoint; otherwise it equals StartBytes.
	FirstRecordBytes int64  `json:"firstRecordBytes"`
	Done             bool   `json:"done"`
	Stop             string `json:"stop"`
	Records          int64  `json:"records"`
	Bytes            int64  `json:"bytes"`
	Batches          int    `json:"batches"`
	DurationMillis   int64  `json:"durationMillis"`
	CacheHits        int64  `json:"cacheHits"`
	// BadRecords counts the records this invocation skipped as bad; they
	// are not in Partial. BadRecordSamples are the first
	// MaxBadRecordSamples of them, in byte-offset order.
	BadRecords       int64             `json:"badRecords,omitempty"`
	BadRecordSamples []BadRecordSample `json:"badRecordSamples,omitempty"`
	// Partial is the aggregate.PartialResult of this invocation's records.
	Partial json.RawMessage `json:"partial"`
}

func (CheckpointCommitted) Type() string { return TypeCheckpoint }

// Validate checks the cursor arithmetic and the stop reason.
func (e CheckpointCommitted) Validate() error {
	var errs []error
	if e.Generation < 0 || e.RangeIndex < 0 {
		errs = append(errs, errors.New("rangeIndex and generation must be >= 0"))
	}
	if e.CursorBytes < e.StartBytes {
		errs = append(errs, fmt.Errorf("cursorBytes %d before startBytes %d", e.CursorBytes, e.StartBytes))
	}
	if e.Stop != StopDone && e.Stop != StopDeadline {
		errs = append(errs, fmt.Errorf("stop %q: want done or deadline", e.Stop))
	}
	if len(e.Partial) == 0 {
		errs = append(errs, errors.New("partial is required"))
	}
	errs = append(errs, nonNegative("badRecords", e.BadRecords))
	if int64(len(e.BadRecordSamples)) > min(e.BadRecords, MaxBadRecordSamples) {
		errs = append(errs, fmt.Errorf("badRecordSamples has %d entries for %d bad records (at most %d kept)", len(e.BadRecordSamples), e.BadRecords, MaxBadRecordSamples))
	}
	for i, s := range e.BadRecordSamples {
		if s.OffsetBytes < 0 || s.Reason == "" {
			errs = append(errs, fmt.Errorf("badRecordSamples[%d]: want offsetBytes >= 0 and a reason", i))
		}
	}
	return errors.Join(requireID(e.JobID), errors.Join(errs...))
}

// RangeCompleted marks a range done; it is appended in the same atomic
// write as the range's last checkpoint.
type RangeCompleted struct {
	SchemaVersion int    `json:"schemaVersion"`
	JobID         string `json:"jobId"`
	RangeIndex    int    `json:"rangeIndex"`
	Generations   int    `json:"generations"`
	// FirstRecordBytes and NextRecordBytes bound the records the range owns;
	// the fan-in checks they chain from range to range.
	FirstRecordBytes int64 `json:"firstRecordBytes"`
	NextRecordBytes  int64 `json:"nextRecordBytes"`
	// Trace is the context of the worker span that committed the range's
	// last checkpoint, so the fan-in can link to the final span of every
	// range. Absent when that span was not recording a valid context.
	Trace *Trace `json:"trace,omitempty"`
}

func (RangeCompleted) Type() string { return TypeRangeCompleted }

// Validate checks id and counts.
func (e RangeCompleted) Validate() error {
	return errors.Join(requireID(e.JobID), nonNegative("rangeIndex", int64(e.RangeIndex)), nonNegative("generations", int64(e.Generations)))
}

// RangeFailed records why a range cannot finish.
type RangeFailed struct {
	SchemaVersion int    `json:"schemaVersion"`
	JobID         string `json:"jobId"`
	RangeIndex    int    `json:"rangeIndex"`
	Generation    int    `json:"generation"`
	Code          string `json:"code"`
	Reason        string `json:"reason"`
}

func (RangeFailed) Type() string { return TypeRangeFailed }

// Validate checks id, code and reason.
func (e RangeFailed) Validate() error {
	var errs []error
	if e.Code == "" || e.Reason == "" {
		errs = append(errs, errors.New("code and reason are required"))
	}
	return errors.Join(requireID(e.JobID), errors.Join(errs...))
}

// FanInRequested asks the aggregator to merge a job whose ranges are all
// complete. It may be delivered more than once; the aggregator's terminal
// write is conditional, so the fan-in takes effect once.
type FanInRequested struct {
	SchemaVersion int    `json:"schemaVersion"`
	JobID         string `json:"jobId"`
	RangeCount    int    `json:"rangeCount"`
	Trace         *Trace `json:"trace,omitempty"`
	// Attempt is the job attempt this event belongs to: 0 is the first
	// run; a >= 1 is a retry of failed ranges (baton redrive JOB --failed),
	// whose ledger keys are namespaced by attempt (internal/joblog.Keys).
	Attempt int `json:"attempt,omitempty"`
}

func (FanInRequested) Type() string { return TypeFanInRequested }

// Validate checks id and count.
func (e FanInRequested) Validate() error {
	return errors.Join(requireID(e.JobID), nonNegative("rangeCount", int64(e.RangeCount)), nonNegative("attempt", int64(e.Attempt)))
}
