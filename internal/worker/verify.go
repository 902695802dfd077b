package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/joblog"
	"github.com/batonrun/baton/internal/ledger"
)

// ErrNotInPlan reports a range event that disagrees with its job's log: a
// spec other than the one the job started with, a range the splitter did
// not plan, or a continuation that does not start where the previous
// generation stopped. Such an event is stray or forged; running it could
// count the wrong records, so it is refused. errors.Is(err,
// events.ErrMalformed) is true as well.
var ErrNotInPlan = fmt.Errorf("%w: range event disagrees with the job's log", events.ErrMalformed)

// verify checks inv against the job's log (DESIGN.md invariant 2: only the
// planned work is counted): the spec must equal JobStarted's, the range must
// be the planned range of its index, and a generation g > 0 must continue
// from generation g-1's committed cursor.
func (w *Worker) verify(ctx context.Context, inv invocation) error {
	started, specJSON, err := w.started.get(ctx, w.ledger, inv.jobID)
	if err != nil {
		return err
	}
	got, err := json.Marshal(inv.spec)
	if err != nil {
		return fmt.Errorf("encoding job spec: %w", err)
	}
	if string(got) != specJSON {
		return fmt.Errorf("job %s range %d: %w: the event's spec is not the job's", inv.jobID, inv.rng.Index, ErrNotInPlan)
	}
	if want, ok := plannedRange(started, inv.rng.Index); !ok || inv.rng != want {
		return fmt.Errorf("job %s: %w: range %+v is not in the plan of %d ranges", inv.jobID, ErrNotInPlan, inv.rng, started.RangeCount)
	}
	if err := w.verifyAttempt(ctx, inv); err != nil {
		return err
	}
	if inv.gen == 0 {
		return nil
	}
	prev, err := w.checkpoint(ctx, inv, inv.gen-1)
	switch {
	case errors.Is(err, ledger.ErrNotFound):
		return fmt.Errorf("job %s range %d: %w: generation %d has no committed predecessor", inv.jobID, inv.rng.Index, ErrNotInPlan, inv.gen)
	case err != nil:
		return fmt.Errorf("range %d gen %d: %w", inv.rng.Index, inv.gen-1, err)
	case prev.Done || prev.CursorBytes != inv.cursor:
		return fmt.Errorf("job %s range %d: %w: generation %d starts at byte %d, but generation %d stopped at %d (done %v)",
			inv.jobID, inv.rng.Index, ErrNotInPlan, inv.gen, inv.cursor, inv.gen-1, prev.CursorBytes, prev.Done)
	}
	return nil
}

// verifyAttempt checks that a range event of attempt a > 0 retries a range
// its AttemptStarted lists (a missing attempt is not in the plan).
func (w *Worker) verifyAttempt(ctx context.Context, inv invocation) error {
	if inv.keys.Attempt == 0 {
		return nil
	}
	as, err := joblog.ReadAttempt(ctx, w.ledger, inv.jobID, inv.keys.Attempt)
	if errors.Is(err, ledger.ErrNotFound) {
		return fmt.Errorf("job %s: %w: attempt %d was never started", inv.jobID, ErrNotInPlan, inv.keys.Attempt)
	} else if err != nil {
		return err
	}
	if !slices.Contains(as.Ranges, inv.rng.Index) {
		return fmt.Errorf("job %s: %w: attempt %d does not retry range %d (it retries %v)", inv.jobID, ErrNotInPlan, inv.keys.Attempt, inv.rng.Index, as.Ranges)
	}
	return nil
}

// plannedRange is range i of the job's plan: the splitter cuts the object
// into ranges of spec.Limits.RangeSizeBytes (the effective size it chose),
// the last one shorter.
func plannedRange(js events.JobStarted, i int) (events.Range, bool) {
	size, step := js.Spec.Object.SizeBytes, js.Spec.Limits.RangeSizeBytes
	if i < 0 || i >= js.RangeCount || step <= 0 {
		return events.Range{}, false
	}
	off := int64(i) * step
	return events.Range{Index: i, OffsetBytes: off, LengthBytes: min(step, size-off)}, true
}

// startedCache keeps the JobStarted entry of the last job a warm container
// served, with its spec encoded for comparison; the entry never changes
// once written. Safe for concurrent use.
type startedCache struct {
	mu       sync.Mutex
	jobID    string
	started  events.JobStarted
	specJSON string
}

func (sc *startedCache) get(ctx context.Context, l Ledger, jobID string) (events.JobStarted, string, error) {
	sc.mu.Lock()
	if sc.jobID == jobID {
		js, spec := sc.started, sc.specJSON
		sc.mu.Unlock()
		return js, spec, nil
	}
	sc.mu.Unlock()
	var js events.JobStarted
	e, err := l.Get(ctx, jobID, joblog.KeyJob)
	if errors.Is(err, ledger.ErrNotFound) {
		return js, "", fmt.Errorf("job %s: %w: the job has not started", jobID, ErrNotInPlan)
	} else if err != nil {
		return js, "", fmt.Errorf("reading job %s: %w", jobID, err)
	}
	if err := joblog.Decode(e, &js); err != nil {
		return js, "", err
	}
	raw, err := json.Marshal(js.Spec)
	if err != nil {
		return js, "", fmt.Errorf("encoding job spec: %w", err)
	}
	sc.mu.Lock()
	sc.jobID, sc.started, sc.specJSON = jobID, js, string(raw)
	sc.mu.Unlock()
	return js, string(raw), nil
}
