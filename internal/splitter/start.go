package splitter

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/failure"
	"github.com/batonrun/baton/internal/joblog"
	"github.com/batonrun/baton/internal/ledger"
	"github.com/batonrun/baton/internal/objstore"
	"github.com/batonrun/baton/internal/tracectx"
)

// start pins the object, validates the query, plans and fans out. It
// returns the span outcome: ok, duplicate (an earlier delivery started the
// job first) or failed.
func (s *Splitter) start(ctx context.Context, jobID string, req events.JobRequested) (string, error) {
	obj, err := s.store.Head(ctx, req.Object.Bucket, req.Object.Key, req.Object.VersionID)
	if err != nil {
		if failure.Code(err) != "" {
			return s.outcome(tracectx.OutcomeFailed, s.failJob(ctx, jobID, fmt.Errorf("object %s: %w", req.Object.Key, err)))
		}
		return tracectx.OutcomeFailed, fmt.Errorf("job %s: head %s: %w", jobID, req.Object.Key, err)
	}
	if want := req.Object.ETag; want != "" && strings.Trim(want, `"`) != strings.Trim(obj.ETag, `"`) {
		return s.outcome(tracectx.OutcomeFailed, s.failJob(ctx, jobID, &objstore.ChangedError{Bucket: obj.Bucket, Key: obj.Key, WasETag: want, NowETag: obj.ETag}))
	}
	spec, ranges, err := s.plan(ctx, obj, req)
	if err != nil {
		if failure.Code(err) != "" || errors.Is(err, errBadRequest) {
			return s.outcome(tracectx.OutcomeFailed, s.failJob(ctx, jobID, err))
		}
		return tracectx.OutcomeFailed, fmt.Errorf("job %s: planning: %w", jobID, err)
	}
	trace.SpanFromContext(ctx).SetAttributes(tracectx.AttrRangeCount.Int(len(ranges)))
	js := events.JobStarted{SchemaVersion: events.SchemaVersion, JobID: jobID, Spec: spec, RangeCount: len(ranges)}
	job, plans, err := s.startEntries(jobID, js, ranges)
	if err != nil {
		return tracectx.OutcomeFailed, err
	}
	if err := s.appendPlan(ctx, jobID, plans); err != nil {
		return tracectx.OutcomeFailed, err
	}
	if err := s.ledger.Append(ctx, jobID, job); errors.Is(err, ledger.ErrConflict) {
		// A duplicate delivery started the job first; make sure its events are out.
		started, gerr := s.started(ctx, jobID)
		if gerr != nil {
			return tracectx.OutcomeFailed, fmt.Errorf("job %s: %w", jobID, gerr)
		}
		return s.outcome(tracectx.OutcomeDuplicate, s.republish(ctx, started))
	} else if err != nil {
		return tracectx.OutcomeFailed, fmt.Errorf("job %s: appending plan: %w", jobID, err)
	}
	s.tel.JobLogger(jobID, -1, -1).InfoContext(ctx, "job started", "ranges", len(ranges),
		"object_size_bytes", spec.Object.SizeBytes, "range_size_bytes", spec.Limits.RangeSizeBytes)
	if len(ranges) == 0 {
		return s.outcome(tracectx.OutcomeOK, s.finishEmpty(ctx, jobID))
	}
	return s.outcome(tracectx.OutcomeOK, s.publishAssignments(ctx, jobID, spec, ranges))
}

// startEntries returns the job's JobStarted entry and its RangePlanned
// entries.
func (s *Splitter) startEntries(jobID string, js events.JobStarted, ranges []events.Range) (ledger.Entry, []ledger.Entry, error) {
	at := s.opts.Now()
	job, err := joblog.NewEntry(jobID, joblog.KeyJob, at, js)
	if err != nil {
		return job, nil, err
	}
	plans := make([]ledger.Entry, 0, len(ranges))
	for _, r := range ranges {
		e, err := joblog.NewEntry(jobID, joblog.PlanKey(r.Index), at, events.RangePlanned{SchemaVersion: events.SchemaVersion, JobID: jobID, Range: r})
		if err != nil {
			return job, nil, err
		}
		plans = append(plans, e)
	}
	return job, plans, nil
}

// appendPlan appends the RangePlanned entries in chunks of at most
// ledger.MaxAppendEntries, before the job entry that commits the start, so
// that a started job always has its whole plan. A chunk that already
// exists was written by an earlier delivery of the same request (the plan
// is deterministic) and is not an error.
func (s *Splitter) appendPlan(ctx context.Context, jobID string, plans []ledger.Entry) error {
	for chunk := range slices.Chunk(plans, ledger.MaxAppendEntries) {
		if err := s.ledger.Append(ctx, jobID, chunk...); err != nil && !errors.Is(err, ledger.ErrConflict) {
			return fmt.Errorf("job %s: appending plan: %w", jobID, err)
		}
	}
	return nil
}

// publishAssignments publishes one RangeAssigned per range, in PutEvents
// batches of at most events.MaxEntriesPerPut entries.
func (s *Splitter) publishAssignments(ctx context.Context, jobID string, spec events.JobSpec, ranges []events.Range) error {
	tr := s.tel.Inject(ctx)
	envs := make([]events.Envelope, 0, len(ranges))
	for _, r := range ranges {
		env, err := events.Encode(s.opts.NewID(), s.opts.Now(), events.RangeAssigned{SchemaVersion: events.SchemaVersion, JobID: jobID, Range: r, Spec: spec, Trace: tr})
		if err != nil {
			return err
		}
		envs = append(envs, env)
	}
	if err := s.publishBatches(ctx, envs); err != nil {
		return fmt.Errorf("job %s: publishing RangeAssigned: %w", jobID, err)
	}
	return nil
}

// PublishConcurrency is how many PutEvents calls the fan-out keeps in
// flight: with 10,000 ranges, one call after another would take the
// splitter a thousand round trips.
const PublishConcurrency = 8

// publishBatches publishes envs in calls of at most events.MaxEntriesPerPut,
// PublishConcurrency at a time. Errors: the first failed call's (the
// others still finish; a retry republishes everything, which workers treat
// as duplicates).
func (s *Splitter) publishBatches(ctx context.Context, envs []events.Envelope) error {
	sem := make(chan struct{}, PublishConcurrency)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	for batch := range slices.Chunk(envs, events.MaxEntriesPerPut) {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			if err := s.bus.Publish(ctx, batch...); err != nil {
				mu.Lock()
				if first == nil {
					first = err
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return first
}

// republish sends the RangeAssigned events of an already started job again,
// unless the job has ended. Workers drop duplicates.
func (s *Splitter) republish(ctx context.Context, js events.JobStarted) error {
	if ended, err := joblog.Ended(ctx, s.ledger, js.JobID); err != nil || ended {
		return err
	}
	trace.SpanFromContext(ctx).SetAttributes(tracectx.AttrRangeCount.Int(js.RangeCount))
	s.tel.JobLogger(js.JobID, -1, -1).InfoContext(ctx, "job request redelivered: publishing its ranges again", "ranges", js.RangeCount)
	if js.RangeCount == 0 {
		return s.finishEmpty(ctx, js.JobID)
	}
	plans, err := joblog.ListAs[events.RangePlanned](ctx, s.ledger, js.JobID, joblog.PrefixPlan, "the plan")
	if err != nil {
		return err
	}
	ranges := make([]events.Range, len(plans))
	for i, rp := range plans {
		ranges[i] = rp.Range
	}
	return s.publishAssignments(ctx, js.JobID, js.Spec, ranges)
}

// failJob records a job that could not start.
func (s *Splitter) failJob(ctx context.Context, jobID string, cause error) error {
	code := failure.Code(cause)
	if code == "" {
		code = events.CodeBadQuery
	}
	jf := events.JobFailed{SchemaVersion: events.SchemaVersion, JobID: jobID, Code: code, Reason: cause.Error(), RangeIndex: -1}
	span := trace.SpanFromContext(ctx)
	span.RecordError(cause)
	span.SetStatus(codes.Error, cause.Error())
	s.tel.JobLogger(jobID, -1, -1).WarnContext(ctx, "job failed before it started", "code", code, "error", cause)
	return joblog.FailJob(ctx, s.ledger, s.bus, jobID, s.opts.Now(), s.opts.NewID(), nil, jf)
}

// finishEmpty hands a job with no ranges straight to the fan-in, which
// produces the empty result (e.g. count(*) = 0).
func (s *Splitter) finishEmpty(ctx context.Context, jobID string) error {
	return joblog.Publish(ctx, s.bus, s.opts.NewID(), s.opts.Now(), events.FanInRequested{SchemaVersion: events.SchemaVersion, JobID: jobID, Trace: s.tel.Inject(ctx)})
}
