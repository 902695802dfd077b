package splitter

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/failure"
	"github.com/batonrun/baton/internal/joblog"
	"github.com/batonrun/baton/internal/ledger"
	"github.com/batonrun/baton/internal/objstore"
)

// start pins the object, validates the query, plans and fans out.
func (s *Splitter) start(ctx context.Context, jobID string, req events.JobRequested) error {
	obj, err := s.store.Head(ctx, req.Object.Bucket, req.Object.Key, req.Object.VersionID)
	if err != nil {
		if failure.Code(err) != "" {
			return s.failJob(ctx, jobID, fmt.Errorf("object %s: %w", req.Object.Key, err))
		}
		return fmt.Errorf("job %s: head %s: %w", jobID, req.Object.Key, err)
	}
	if want := req.Object.ETag; want != "" && strings.Trim(want, `"`) != strings.Trim(obj.ETag, `"`) {
		return s.failJob(ctx, jobID, &objstore.ChangedError{Bucket: obj.Bucket, Key: obj.Key, WasETag: want, NowETag: obj.ETag})
	}
	spec, ranges, err := s.plan(ctx, obj, req)
	if err != nil {
		if failure.Code(err) != "" || errors.Is(err, errBadRequest) {
			return s.failJob(ctx, jobID, err)
		}
		return fmt.Errorf("job %s: planning: %w", jobID, err)
	}
	js := events.JobStarted{SchemaVersion: events.SchemaVersion, JobID: jobID, Spec: spec, RangeCount: len(ranges)}
	job, plans, err := s.startEntries(jobID, js, ranges)
	if err != nil {
		return err
	}
	if err := s.appendPlan(ctx, jobID, plans); err != nil {
		return err
	}
	if err := s.ledger.Append(ctx, jobID, job); errors.Is(err, ledger.ErrConflict) {
		// A duplicate delivery started the job first; make sure its events are out.
		started, gerr := s.started(ctx, jobID)
		if gerr != nil {
			return fmt.Errorf("job %s: %w", jobID, gerr)
		}
		return s.republish(ctx, started)
	} else if err != nil {
		return fmt.Errorf("job %s: appending plan: %w", jobID, err)
	}
	if len(ranges) == 0 {
		return s.finishEmpty(ctx, jobID)
	}
	return s.publishAssignments(ctx, jobID, spec, ranges)
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
	batch := make([]events.Envelope, 0, events.MaxEntriesPerPut)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := s.bus.Publish(ctx, batch...)
		batch = batch[:0]
		return err
	}
	for _, r := range ranges {
		env, err := events.Encode(s.opts.NewID(), s.opts.Now(), events.RangeAssigned{SchemaVersion: events.SchemaVersion, JobID: jobID, Range: r, Spec: spec})
		if err != nil {
			return err
		}
		batch = append(batch, env)
		if len(batch) == events.MaxEntriesPerPut {
			if err := flush(); err != nil {
				return fmt.Errorf("job %s: publishing RangeAssigned: %w", jobID, err)
			}
		}
	}
	if err := flush(); err != nil {
		return fmt.Errorf("job %s: publishing RangeAssigned: %w", jobID, err)
	}
	return nil
}

// republish sends the RangeAssigned events of an already started job again,
// unless the job has ended. Workers drop duplicates.
func (s *Splitter) republish(ctx context.Context, js events.JobStarted) error {
	if ended, err := joblog.Ended(ctx, s.ledger, js.JobID); err != nil || ended {
		return err
	}
	if js.RangeCount == 0 {
		return s.finishEmpty(ctx, js.JobID)
	}
	plans, err := s.ledger.List(ctx, js.JobID, joblog.PrefixPlan)
	if err != nil {
		return fmt.Errorf("job %s: reading plan: %w", js.JobID, err)
	}
	ranges := make([]events.Range, 0, len(plans))
	for _, e := range plans {
		var rp events.RangePlanned
		if err := joblog.Decode(e, &rp); err != nil {
			return err
		}
		ranges = append(ranges, rp.Range)
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
	return joblog.FailJob(ctx, s.ledger, s.bus, jobID, s.opts.Now(), s.opts.NewID(), nil, jf)
}

// finishEmpty hands a job with no ranges straight to the fan-in, which
// produces the empty result (e.g. count(*) = 0).
func (s *Splitter) finishEmpty(ctx context.Context, jobID string) error {
	return joblog.Publish(ctx, s.bus, s.opts.NewID(), s.opts.Now(), events.FanInRequested{SchemaVersion: events.SchemaVersion, JobID: jobID})
}
