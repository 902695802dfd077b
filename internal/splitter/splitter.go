// Package splitter is the fan-out: it pins the object's version, checks the
// query against the object's columns, plans byte ranges, records the plan in
// the job's log and publishes one RangeAssigned event per range.
package splitter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/failure"
	"github.com/batonrun/baton/internal/ids"
	"github.com/batonrun/baton/internal/joblog"
	"github.com/batonrun/baton/internal/ledger"
	"github.com/batonrun/baton/internal/tracectx"
)

// ObjectStore is what the splitter needs from the object store.
type ObjectStore interface {
	// Head returns size, ETag and VersionID; objstore.ErrNotFound when missing.
	Head(ctx context.Context, bucket, key, versionID string) (events.ObjectRef, error)
	ReadRange(ctx context.Context, obj events.ObjectRef, offsetBytes, lengthBytes int64) ([]byte, error)
}

// Ledger is the part of the event log the splitter uses.
type Ledger interface {
	Append(ctx context.Context, jobID string, entries ...ledger.Entry) error
	Get(ctx context.Context, jobID, key string) (ledger.Entry, error)
	List(ctx context.Context, jobID, keyPrefix string) ([]ledger.Entry, error)
}

// Publisher publishes at most events.MaxEntriesPerPut events per call. It
// must be safe for concurrent use: the fan-out keeps several calls in
// flight.
type Publisher interface {
	Publish(ctx context.Context, envs ...events.Envelope) error
}

// Defaults applied to a request's zero limits.
const (
	DefaultRangeSizeBytes = 32 << 20
	DefaultBatchSizeBytes = 4 << 20
	DefaultMaxRecordBytes = 64 << 20
	DefaultMaxRanges      = 10000
	DefaultMaxHops        = 1000
	// MinRangeSizeBytes is the smallest range size accepted (1 KiB).
	MinRangeSizeBytes = 1 << 10
	// sampleBytes bounds how much of a JSON Lines object is read to learn
	// its field names.
	sampleBytes   = 1 << 20
	sampleRecords = 1000
)

// Options tunes a Splitter; the zero value is valid.
type Options struct {
	Now   func() time.Time // nil means time.Now
	NewID func() string    // nil means ids.New
	// Defaults fill a request's zero limits before the package defaults
	// (e.g. a stack's range size). Defaults.RangeSizeBytes is a preferred
	// size: like the package default, it grows to keep within MaxRanges.
	Defaults events.Limits
	// UploadQuery is the SQL run for jobs started by an S3 "Object Created"
	// event, which carries no query. Empty means such events are refused
	// with ErrNoUploadQuery.
	UploadQuery string
	// AllowedSources lists where jobs may read: "bucket" (any key in it)
	// or "bucket/prefix" (keys starting with prefix, compared literally as
	// S3 and IAM do, so end a folder with "/"). Whatever a JobRequested or
	// upload event names, an object outside every entry is refused with
	// ErrNotAllowed before it is read and before any ledger entry is
	// written. Empty (nil) allows every object the store can read: the
	// local runtime's default. Entries that Validate rejects match
	// nothing, so a bad list refuses rather than allows.
	AllowedSources []string

	// Tracer starts the "baton.split" span; nil means otel.GetTracerProvider().
	Tracer trace.TracerProvider
	// Propagator reads JobRequested.Trace and writes the Trace of every
	// published event; nil means otel.GetTextMapPropagator().
	Propagator propagation.TextMapPropagator
	// Meter records the baton.* metrics; nil means otel.GetMeterProvider().
	Meter metric.MeterProvider
	// Logger gets a few lines per job, logged with the span's context;
	// nil means slog.Default().
	Logger *slog.Logger
}

// ErrNoUploadQuery reports an S3 upload event at a splitter configured
// without Options.UploadQuery.
var ErrNoUploadQuery = errors.New("no query configured for S3 upload jobs")

// ErrJobIDReused reports a request naming a job id that an earlier,
// different request (another object, version, query or format) started.
var ErrJobIDReused = errors.New("job id already used by a different request")

// Splitter handles JobRequested. It is safe for concurrent use.
type Splitter struct {
	store   ObjectStore
	ledger  Ledger
	bus     Publisher
	opts    Options
	sources []source // parsed AllowedSources
	tel     *tracectx.Telemetry
}

// New builds a Splitter.
func New(store ObjectStore, l Ledger, bus Publisher, o Options) *Splitter {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.NewID == nil {
		o.NewID = ids.New
	}
	tel := tracectx.New("github.com/batonrun/baton/internal/splitter", tracectx.Providers{
		Tracer: o.Tracer, Propagator: o.Propagator, Meter: o.Meter, Logger: o.Logger})
	sources, _ := parseSources(o.AllowedSources) // bad entries match nothing; Validate reports them
	return &Splitter{store: store, ledger: &conflictLedger{Ledger: l, tel: tel}, bus: tel.CountPublished(bus), opts: o, sources: sources, tel: tel}
}

// JobID is the job a request starts: its JobID, or one derived from the
// envelope id so that a redelivered request maps to the same job. A derived
// id is 128 bits of SHA-256 of the event id (ids.Derive), which
// EventBridge assigns at random per entry: it cannot be predicted from the
// object, the query or the requester, and two requests for the same object
// get different jobs. Clients that set JobID should use ids.New.
func JobID(env events.Envelope, req events.JobRequested) string {
	if req.JobID != "" {
		return req.JobID
	}
	return ids.Derive(env.ID)
}

// Handle starts the job a JobRequested asks for, or that an S3 "Object
// Created" event implies (Options.UploadQuery over the uploaded version,
// format from the key's extension). A permanent problem (bad query, unknown
// column, missing object, bad limits, unsupported format) fails the job in
// its log and returns nil; malformed events return an error wrapping
// events.ErrMalformed, an upload without UploadQuery one wrapping
// ErrNoUploadQuery, and an object outside Options.AllowedSources one
// wrapping ErrNotAllowed (nothing read, no job entry written); other
// errors are transient. A redelivered event
// republishes the plan's RangeAssigned events and changes nothing else.
//
// Each call is one "baton.split" span, ended before Handle returns: a
// child of JobRequested.Trace when it holds a valid context, else the root
// of a new trace (always for an S3 upload). Every event published carries
// the span's context in its Trace field.
func (s *Splitter) Handle(ctx context.Context, env events.Envelope) error {
	t0 := s.opts.Now()
	req, formatErr, err := s.request(env)
	jobID := JobID(env, req)
	ctx, span := s.startSpan(ctx, env, req, jobID)
	defer tracectx.EndOnPanic(span)
	span.SetAttributes(tracectx.AttrJobID.String(jobID))
	outcome, err := s.handle(ctx, jobID, req, formatErr, err)
	s.tel.Metrics.Duration.Record(ctx, float64(s.opts.Now().Sub(t0).Microseconds())/1000)
	if err != nil {
		s.tel.JobLogger(jobID, -1, -1).ErrorContext(ctx, "split failed", "outcome", outcome, "error", err)
	}
	tracectx.End(span, outcome, err)
	return err
}

func (s *Splitter) handle(ctx context.Context, jobID string, req events.JobRequested, formatErr, err error) (outcome string, _ error) {
	if errors.Is(err, errFolderMarker) {
		return tracectx.OutcomeRefused, nil // S3 consoles upload "dir/" markers; they are not data
	} else if err != nil {
		return tracectx.OutcomeRefused, err
	}
	if err := s.allowed(req.Object); err != nil {
		return tracectx.OutcomeRefused, fmt.Errorf("job %s: %w", jobID, err)
	}
	started, err := s.started(ctx, jobID)
	if err == nil {
		if err := sameRequest(started.Spec, req); err != nil {
			return tracectx.OutcomeRefused, fmt.Errorf("job %s: %w", jobID, err)
		}
		return s.outcome(tracectx.OutcomeDuplicate, s.republish(ctx, started))
	}
	if !errors.Is(err, ledger.ErrNotFound) {
		return tracectx.OutcomeFailed, fmt.Errorf("job %s: reading log: %w", jobID, err)
	}
	if formatErr != nil {
		return s.outcome(tracectx.OutcomeFailed, s.failJob(ctx, jobID, fmt.Errorf("%w: %w: object %s: %w", errBadRequest, failure.ErrBadRequest, req.Object.Key, formatErr)))
	}
	return s.start(ctx, jobID, req)
}

// outcome is want, or failed when err is not nil.
func (s *Splitter) outcome(want string, err error) (string, error) {
	if err != nil {
		return tracectx.OutcomeFailed, err
	}
	return want, nil
}

func (s *Splitter) started(ctx context.Context, jobID string) (events.JobStarted, error) {
	var js events.JobStarted
	e, err := s.ledger.Get(ctx, jobID, joblog.KeyJob)
	if err != nil {
		return js, err
	}
	return js, joblog.Decode(e, &js)
}
