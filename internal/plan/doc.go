// Package plan predicts what a Baton job on AWS will do and cost before it
// runs: ranges, invocations, hops, events, ledger writes and reads, S3
// requests, wall time and an itemised bill.
//
// # Model
//
// Structure (exact, given the invocations per range): the ranges are the
// splitter's own cut (splitter.Ranges: 32 MiB, grown to stay within 10,000
// ranges). Each range takes one or more invocations; hops are the
// invocations beyond the first. Baton then publishes, as EventBridge
// entries: 1 JobRequested (the caller's, counted because it is billed), 1
// RangeAssigned per range, 1 RangeContinued per hop, 1 FanInRequested and 1
// JobSucceeded. The ledger receives these appends (each one DynamoDB
// TransactWriteItems that also updates the job's meta item): the plan in
// chunks of ledger.MaxAppendEntries RangePlanned entries, then JobStarted;
// one CheckpointCommitted per worker invocation, with RangeCompleted in the
// same append when it ends its range; the terminal JobSucceeded.
//
// Time (an estimate): a worker reads at min(S3 per-connection throughput,
// Baton's scan rate for the format × vCPUs at the memory size). An
// invocation uses its timeout minus one batch and CommitReserve, so a
// range needs ceil(range time / usable time) invocations. Wall time is the
// splitter's (cold start, plan appends, PutEvents of 10), plus
// ceil(ranges / concurrency) waves of the longest range (its scan, a cold
// start and EventDelivery per invocation), plus the fan-in.
//
// Cost (an estimate): Lambda GB-seconds (arm64) and requests; EventBridge
// custom events; DynamoDB on-demand write units (2 per item of up to 1 KB
// in a transaction; items are assumed to be at most 1 KB, which holds for
// aggregates without large group-bys) and read units (1 per strongly
// consistent read of up to 4 KB); S3 GETs (one per batch, rounded up per
// invocation, plus one for the byte before each range and the splitter's
// HEAD and header read). Prices are constants by region (Prices).
//
// Invocations can be given instead of modelled (Inputs.InvocationsPerRange)
// so a test can check the structural counts against a real local run.
package plan
