package plan

import "time"

// Throughput and latency constants. Each cites where it came from; refresh
// them when the source changes.
const (
	// S3BytesPerSecPerConnection is one ranged GET's throughput: the AWS
	// guide "Performance design patterns for Amazon S3" (Amazon S3 User
	// Guide, "Horizontal scaling and request parallelization") advises one
	// concurrent request "for each 85–90 MB/s of desired network
	// throughput". A worker reads its range on one connection at a time,
	// so 87.5 MB/s (the middle) caps it.
	S3BytesPerSecPerConnection = 87.5e6

	// MemoryMBPerVCPU: "at 1,769 MB, a function has the equivalent of one
	// vCPU" (AWS Lambda Developer Guide, "Configure Lambda function
	// memory"). Lambda allows at most 6 vCPUs (10,240 MB).
	MemoryMBPerVCPU = 1769
	maxVCPUs        = 6

	// ColdStart is one provided.al2023 Go cold start. AWS Compute Blog
	// "Operating Lambda: Performance optimization" and published
	// measurements put small Go binaries on provided.al2023 at roughly
	// 100–200 ms of INIT; 150 ms is the middle. Since August 2025 INIT is
	// billed for all runtimes, so it is also in the GB-seconds.
	ColdStart = 150 * time.Millisecond

	// EventDelivery is EventBridge's PutEvents-to-target latency per hop:
	// the Amazon EventBridge FAQs give "typical latency ... about half a
	// second".
	EventDelivery = 500 * time.Millisecond

	// CommitReserve is what an invocation keeps for its tail (one
	// TransactWriteItems and one PutEvents, plus the reads before it):
	// the worker stops starting batches when the time left is below one
	// batch plus this (DESIGN.md invariant 5). Single-digit-millisecond
	// DynamoDB writes and tens of milliseconds for PutEvents are AWS's
	// published orders of magnitude; 250 ms leaves room for tail latency.
	CommitReserve = 250 * time.Millisecond

	// PutEventsCall and LedgerCall are one splitter-side PutEvents (10
	// entries) and one ledger append round trip, for the splitter's time.
	PutEventsCall = 20 * time.Millisecond
	LedgerCall    = 10 * time.Millisecond
)

// ScanBytesPerSecPerVCPU is Baton's own rate per vCPU by format: record
// reader, decoder and accumulator together on one core, for the README's
// group-by (lines: a LIKE count), from `go test -bench Pipeline
// -benchtime 20x ./internal/query` on the 2-core AMD EPYC development
// machine (2026-11-29): PipelineCSV 362-378 MB/s, PipelineJSONL 690-719
// MB/s (since the single-pass JSON scanner), PipelineLines 685-713 MB/s. They rarely matter: S3's
// per-connection rate is lower at every memory size Lambda offers below 6
// vCPUs. Refresh: rerun that command (or scripts/bench for end-to-end
// wall time) and update these numbers.
func ScanBytesPerSecPerVCPU(format string) (float64, bool) {
	switch format {
	case "csv":
		return 370e6, true
	case "lines":
		return 700e6, true
	case "jsonl":
		return 700e6, true
	}
	return 0, false
}
