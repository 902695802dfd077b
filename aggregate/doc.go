// Package aggregate holds PartialResult, the mergeable state of one query over
// part of an object: per-group aggregate states or projected rows, plus record
// counters. Range workers produce partial results (internal/query builds them),
// checkpoints store them as JSON, and the fan-in merges them.
//
// Rules that make merging safe:
//   - Merge is associative and commutative: integer sums are exact (int64,
//     then math/big on overflow), float sums use Neumaier compensation (so
//     merge order changes a float sum only in its last bits), min and max use
//     one deterministic total order (CompareValues).
//   - The JSON encoding is deterministic: groups are sorted by their encoded
//     key, rows by their order then byte offset, so equal partials marshal to
//     equal bytes. Values are kind-tagged so Int, Float and Text round-trip
//     exactly (int64 never goes through float64).
//   - Sizes are bounded: Merge fails with ErrTooManyGroups or ErrTooManyRows
//     instead of growing without limit.
//
// This package must not import internal/query.
package aggregate
