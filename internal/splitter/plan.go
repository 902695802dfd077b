package splitter

import (
	"context"
	"errors"
	"fmt"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/failure"
	"github.com/batonrun/baton/internal/jobspec"
	"github.com/batonrun/baton/internal/objstore"
	"github.com/batonrun/baton/internal/record"
)

// errBadRequest marks request problems that fail the job before any work.
var errBadRequest = errors.New("bad job request")

// errSampleFull ends schema sampling early.
var errSampleFull = errors.New("sample full")

// plan builds the job spec (effective limits, columns) and the ranges.
func (s *Splitter) plan(ctx context.Context, obj events.ObjectRef, req events.JobRequested) (events.JobSpec, []events.Range, error) {
	spec := events.JobSpec{Object: obj, Query: req.Query, Format: req.Format, Limits: withDefaults(req.Limits)}
	preferred := s.opts.Defaults.RangeSizeBytes
	if preferred == 0 {
		preferred = DefaultRangeSizeBytes
	}
	ranges, err := cutRanges(obj.SizeBytes, req.Limits.RangeSizeBytes, preferred, spec.Limits.MaxRanges)
	if err != nil {
		return spec, nil, err
	}
	if len(ranges) > 0 {
		spec.Limits.RangeSizeBytes = ranges[0].LengthBytes
	}
	var paths []string
	if obj.SizeBytes > 0 {
		if paths, err = s.learnSchema(ctx, &spec); err != nil {
			return spec, nil, err
		}
	}
	if _, err := jobspec.Compile(spec, paths); err != nil {
		return spec, nil, fmt.Errorf("%w: %w", errBadRequest, err)
	}
	return spec, ranges, nil
}

func withDefaults(l events.Limits) events.Limits {
	return fillLimits(l, events.Limits{
		RangeSizeBytes: DefaultRangeSizeBytes, BatchSizeBytes: DefaultBatchSizeBytes, MaxRecordBytes: DefaultMaxRecordBytes,
		MaxRanges: DefaultMaxRanges, MaxHops: DefaultMaxHops,
	})
}

// Ranges cuts an object of size bytes into consecutive ranges of
// rangeSizeBytes (the last may be shorter). When rangeSizeBytes is 0 the
// default is used and grown as needed to stay within maxRanges; an explicit
// size that needs more than maxRanges ranges is an error naming the smallest
// size that fits. Sizes below MinRangeSizeBytes are errors. An empty object
// has no ranges.
func Ranges(sizeBytes, rangeSizeBytes int64, maxRanges int) ([]events.Range, error) {
	return cutRanges(sizeBytes, rangeSizeBytes, DefaultRangeSizeBytes, maxRanges)
}

// cutRanges is Ranges with preferredBytes in place of the default size.
func cutRanges(sizeBytes, rangeSizeBytes, preferredBytes int64, maxRanges int) ([]events.Range, error) {
	explicit := rangeSizeBytes != 0
	if !explicit {
		rangeSizeBytes = preferredBytes
	}
	if rangeSizeBytes < MinRangeSizeBytes {
		return nil, fmt.Errorf("%w: %w: range size %d bytes is below the minimum of 1 KiB", errBadRequest, failure.ErrBadRequest, rangeSizeBytes)
	}
	if maxRanges <= 0 {
		maxRanges = DefaultMaxRanges
	}
	n := ceilDiv(sizeBytes, rangeSizeBytes)
	if n > int64(maxRanges) {
		fit := ceilDiv(sizeBytes, int64(maxRanges))
		if explicit {
			return nil, fmt.Errorf("%w: %w: range size %d bytes gives %d ranges, over the cap of %d; use a range size of at least %d bytes", errBadRequest, failure.ErrBadRequest, rangeSizeBytes, n, maxRanges, fit)
		}
		rangeSizeBytes, n = fit, ceilDiv(sizeBytes, fit)
	}
	ranges := make([]events.Range, 0, n)
	for i := int64(0); i < n; i++ {
		off := i * rangeSizeBytes
		ranges = append(ranges, events.Range{Index: int(i), OffsetBytes: off, LengthBytes: min(rangeSizeBytes, sizeBytes-off)})
	}
	return ranges, nil
}

func ceilDiv(a, b int64) int64 { return (a + b - 1) / b }

// learnSchema reads the CSV header (or first record) or samples JSON Lines
// field paths, so the query can be checked before any work starts.
func (s *Splitter) learnSchema(ctx context.Context, spec *events.JobSpec) ([]string, error) {
	rf, err := jobspec.Format(spec.Format, spec.Limits.MaxRecordBytes)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errBadRequest, err)
	}
	switch rf.Kind {
	case record.CSV:
		return nil, s.learnCSV(ctx, spec, rf)
	case record.JSONL:
		return s.sampleJSON(ctx, spec, rf)
	}
	return nil, nil
}

// learnCSV reads the header (with Header set) or the field count of the
// first record (without; empty lines before it are skipped, as the reader
// skips them).
func (s *Splitter) learnCSV(ctx context.Context, spec *events.JobSpec, rf record.Format) error {
	if spec.Format.Header {
		names, err := record.ReadHeader(ctx, &objstore.Pinned{Store: s.store, Object: spec.Object}, rf, spec.Object.SizeBytes)
		if err != nil {
			return err
		}
		spec.Columns, spec.NumFields = names, len(names)
		return nil
	}
	return s.readFirst(ctx, spec, rf, sampleBytes, func(rec []byte, off int64) error {
		fields, err := record.ParseCSVRecord(rec, rf.Delimiter)
		if err != nil {
			return fmt.Errorf("record at byte offset %d: %w", off, err)
		}
		spec.NumFields = len(fields)
		return errSampleFull
	})
}

func (s *Splitter) sampleJSON(ctx context.Context, spec *events.JobSpec, rf record.Format) ([]string, error) {
	var recs [][]byte
	err := s.readFirst(ctx, spec, rf, sampleBytes, func(rec []byte, _ int64) error {
		recs = append(recs, append([]byte(nil), rec...))
		if len(recs) >= sampleRecords {
			return errSampleFull
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	paths := record.SampleJSONPaths(recs)
	if len(paths) == 0 {
		return nil, nil // no object in the sample (a bad first line, say): nothing to check names against
	}
	return paths, nil
}

// readFirst feeds fn the records that start in the object's first
// limitBytes, until fn returns errSampleFull.
func (s *Splitter) readFirst(ctx context.Context, spec *events.JobSpec, rf record.Format, limitBytes int64, fn func([]byte, int64) error) error {
	src := &objstore.Pinned{Store: s.store, Object: spec.Object}
	end := min(limitBytes, spec.Object.SizeBytes)
	r, err := record.NewReader(src, record.ReaderOptions{
		Format: rf, ObjectSizeBytes: spec.Object.SizeBytes, Range: record.Range{Offset: 0, End: end},
		BatchSizeBytes: max(end, 1),
	})
	if err != nil {
		return err
	}
	if _, err := r.ReadBatch(ctx, fn); err != nil && !errors.Is(err, errSampleFull) {
		return err
	}
	return nil
}
