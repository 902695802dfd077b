package plan

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/batonrun/baton/internal/splitter"
)

// Defaults for zero Inputs fields.
const (
	DefaultTimeout     = 900 * time.Second // deploy/template.yaml WorkerTimeout
	DefaultMemoryMB    = 1769              // deploy/template.yaml WorkerMemory
	DefaultConcurrency = 1000              // Lambda's default account concurrency
	DefaultRegion      = "us-east-1"
	DefaultFormat      = "csv"
)

// Inputs describe one job. The zero value of every field but ObjectBytes
// means the documented default.
type Inputs struct {
	ObjectBytes    int64         // object size in bytes; must be > 0
	RangeSizeBytes int64         // 0: the splitter's rule (32 MiB grown to stay within 10,000 ranges)
	BatchSizeBytes int64         // 0: splitter.DefaultBatchSizeBytes (4 MiB)
	Timeout        time.Duration // worker timeout; 0: DefaultTimeout
	MemoryMB       int           // worker memory in MB; 0: DefaultMemoryMB
	Concurrency    int           // most workers running at once; 0: DefaultConcurrency
	Region         string        // prices; "": DefaultRegion
	Format         string        // csv, jsonl or lines; "": DefaultFormat
	// ThroughputBytesPerSec, when > 0, replaces the modelled per-worker
	// read rate (e.g. one observed locally).
	ThroughputBytesPerSec float64
	// InvocationsPerRange, when set, replaces the time model's invocation
	// count for each range (its length must equal the number of ranges,
	// every count >= 1): the counts then follow from what happened.
	InvocationsPerRange []int
}

// withDefaults fills the zero fields.
func (in Inputs) withDefaults() Inputs {
	if in.BatchSizeBytes == 0 {
		in.BatchSizeBytes = splitter.DefaultBatchSizeBytes
	}
	if in.Timeout == 0 {
		in.Timeout = DefaultTimeout
	}
	if in.MemoryMB == 0 {
		in.MemoryMB = DefaultMemoryMB
	}
	if in.Concurrency == 0 {
		in.Concurrency = DefaultConcurrency
	}
	if in.Region == "" {
		in.Region = DefaultRegion
	}
	if in.Format == "" {
		in.Format = DefaultFormat
	}
	return in
}

// Validate reports every problem with the inputs (zero fields are valid).
func (in Inputs) Validate() error {
	var errs []error
	if in.ObjectBytes <= 0 {
		errs = append(errs, fmt.Errorf("object size %d bytes: must be positive", in.ObjectBytes))
	}
	if in.RangeSizeBytes < 0 || in.BatchSizeBytes < 0 {
		errs = append(errs, fmt.Errorf("range size %d and batch size %d bytes must not be negative", in.RangeSizeBytes, in.BatchSizeBytes))
	}
	if in.Timeout < 0 {
		errs = append(errs, fmt.Errorf("timeout %v is negative", in.Timeout))
	}
	if in.MemoryMB < 0 || in.MemoryMB > 10240 || (in.MemoryMB > 0 && in.MemoryMB < 128) {
		errs = append(errs, fmt.Errorf("memory %d MB: Lambda allows 128 to 10,240 MB", in.MemoryMB))
	}
	if in.Concurrency < 0 {
		errs = append(errs, fmt.Errorf("concurrency %d is negative", in.Concurrency))
	}
	if in.ThroughputBytesPerSec < 0 || math.IsNaN(in.ThroughputBytesPerSec) {
		errs = append(errs, fmt.Errorf("throughput %v bytes/s is negative", in.ThroughputBytesPerSec))
	}
	d := in.withDefaults()
	if _, ok := ScanBytesPerSecPerVCPU(d.Format); !ok {
		errs = append(errs, fmt.Errorf("format %q: want csv, jsonl or lines", in.Format))
	}
	if _, err := PricesFor(d.Region); err != nil {
		errs = append(errs, err)
	}
	for i, n := range in.InvocationsPerRange {
		if n < 1 {
			errs = append(errs, fmt.Errorf("range %d: %d invocations, want at least 1", i, n))
		}
	}
	return errors.Join(errs...)
}

// Events counts the EventBridge entries published (PutEvents entries).
type Events struct {
	JobRequested, RangeAssigned, RangeContinued, FanInRequested, JobSucceeded int64
}

// Total is the sum of all entries.
func (e Events) Total() int64 {
	return e.JobRequested + e.RangeAssigned + e.RangeContinued + e.FanInRequested + e.JobSucceeded
}

// Ledger counts ledger writes by entry kind, the appends (DynamoDB
// transactions) that carry them, and the estimated reads.
type Ledger struct {
	JobStarted, RangePlanned, Checkpoints, RangeCompleted, Terminal int64
	// Appends is the number of Append calls (TransactWriteItems).
	Appends int64
	// ReadUnits estimates strongly consistent read units (an estimate:
	// warm containers cache JobStarted, and a fan-in's queries scale with
	// the log's size).
	ReadUnits int64
}

// Entries is the number of ledger entries written.
func (l Ledger) Entries() int64 {
	return l.JobStarted + l.RangePlanned + l.Checkpoints + l.RangeCompleted + l.Terminal
}

// WriteUnits is the DynamoDB write request units: each transaction item
// (every entry plus the meta item per append) costs 2 units per KB.
func (l Ledger) WriteUnits() int64 { return 2 * (l.Entries() + l.Appends) }

// Prediction is the model's output for one job.
type Prediction struct {
	Inputs Inputs // with defaults filled
	Ranges int
	// WorkerInvocations are range-worker invocations; Invocations adds the
	// splitter's and the aggregator's (one each).
	WorkerInvocations, Invocations, Hops int64
	Events                               Events
	Ledger                               Ledger
	S3GETs                               int64 // ranged GETs plus the splitter's HEAD and header read
	ThroughputBytesPerSec                float64
	Wall                                 time.Duration
	LambdaGBSeconds                      float64
	Cost                                 Cost
}
