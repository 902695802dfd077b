// Package wiring builds a Lambda function's dependencies from its
// environment. Only a function's main calls it, through Main.
//
// Backends (BATON_BACKEND, see Config and EnvVars):
//   - "aws" (the default): S3 (s3store), EventBridge (bus/eventbridge) and
//     DynamoDB (ledger/dynamo), with the SDK's standard configuration chain
//     (AWS_REGION, credentials, AWS_ENDPOINT_URL_<SERVICE>).
//   - "local": the SQLite ledger in BATON_STATE_DIR and local files. There is
//     no cross-process bus locally, so published events are refused with
//     ErrNoBus; use `baton run`, which runs these same handlers in-process.
package wiring

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/claimcheck"
	"github.com/batonrun/baton/internal/ledger"
	"github.com/batonrun/baton/observability"
)

// ErrNoBus reports a publish in a backend without a bus.
var ErrNoBus = errors.New("no event bus in this backend")

// ObjectStore is the object store port the handlers share.
type ObjectStore interface {
	Head(ctx context.Context, bucket, key, versionID string) (events.ObjectRef, error)
	ReadRange(ctx context.Context, obj events.ObjectRef, offsetBytes, lengthBytes int64) ([]byte, error)
}

// Ledger is the union of what the handlers and the sweeper ask of the
// ledger.
type Ledger interface {
	Jobs(ctx context.Context) ([]ledger.JobSummary, error)
	Append(ctx context.Context, jobID string, entries ...ledger.Entry) error
	Get(ctx context.Context, jobID, key string) (ledger.Entry, error)
	List(ctx context.Context, jobID, keyPrefix string) ([]ledger.Entry, error)
	Count(ctx context.Context, jobID, keyPrefix string) (int, error)
}

// Publisher publishes events.
type Publisher interface {
	Publish(ctx context.Context, envs ...events.Envelope) error
}

// Deps are the adapters behind the ports, and the configuration they were
// built from.
type Deps struct {
	Config Config
	Store  ObjectStore
	Ledger Ledger
	Bus    Publisher
	// Blobs resolves claim-checked events (events too large for the bus);
	// nil in a backend without a payload store.
	Blobs claimcheck.Blobs
	// Obs holds the tracer and meter providers; Logger writes Lambda-format
	// JSON logs. Handler flushes Obs at the end of every invocation.
	Obs    *observability.Providers
	Logger *slog.Logger
}

// eventsLimits are the stack's default limits from Config.
func eventsLimits(c Config) events.Limits {
	return events.Limits{RangeSizeBytes: c.RangeSizeBytes, BatchSizeBytes: c.BatchSizeBytes}
}

// AWSCommitReserve is the worker's first estimate of its invocation's tail
// in the aws backend (the checkpoint's two DynamoDB round trips and the
// continuation's PutEvents, with room for a cold connection); it then
// follows what it observes. Locally the worker's own default applies.
const AWSCommitReserve = 250 * time.Millisecond

// readAheadDiscarder is a store that prefetches (s3store.Store).
type readAheadDiscarder interface{ DiscardReadAhead() }

// Handler adapts a domain handler to Lambda: the event arrives as an
// events.Envelope (the EventBridge target shape); a claim-checked detail is
// fetched and verified first (errors name the claim), then h runs. When h
// returns, a store's pending read-aheads are dropped, since Lambda freezes
// the container and the next hop may run elsewhere.
func (d Deps) Handler(h func(context.Context, events.Envelope) error) lambda.Handler {
	return lambda.NewHandler(func(ctx context.Context, env events.Envelope) error {
		defer d.flush(ctx) // last: after the read-aheads' spans have ended
		if ra, ok := d.Store.(readAheadDiscarder); ok {
			defer ra.DiscardReadAhead()
		}
		if err := checkSize(env); err != nil {
			return d.classify(ctx, env, err)
		}
		if events.IsClaimCheck(env.Detail) {
			if d.Blobs == nil {
				return fmt.Errorf("%s %s: claim-checked event but no payload store configured", env.DetailType, env.ID)
			}
			resolved, err := claimcheck.Resolve(untraced(ctx), d.Blobs, env)
			if err != nil {
				return d.classify(ctx, env, fmt.Errorf("%s %s: %w", env.DetailType, env.ID, err))
			}
			env = resolved
		}
		return d.classify(ctx, env, h(ctx, env))
	})
}

// NoBus refuses every publish with ErrNoBus.
type NoBus struct{}

// Publish implements the publisher port.
func (NoBus) Publish(context.Context, ...events.Envelope) error { return ErrNoBus }

// FromEnv builds function's Deps from the environment getenv reads.
// Errors: every configuration problem (ConfigFromEnv), or an adapter that
// could not be built.
// Telemetry goes to stdout (logs and EMF metrics) and to the configured
// span exporter.
func FromEnv(ctx context.Context, function string, getenv func(string) string, stdout io.Writer) (Deps, error) {
	c, err := ConfigFromEnv(function, getenv)
	if err != nil {
		return Deps{}, err
	}
	obs, logger, err := telemetry(ctx, function, c, getenv, stdout)
	if err != nil {
		return Deps{}, err
	}
	var d Deps
	if c.Backend == "local" {
		d, err = localDeps(c)
	} else {
		d, err = awsDeps(ctx, c, obs)
	}
	d.Obs, d.Logger = obs, logger
	return d, err
}

// Main is the whole body of a function's main: it builds the handler from
// the process environment and hands it to lambda.Start, or prints why it
// could not and exits with status 1. function is Splitter, Worker,
// Aggregator or Sweeper.
func Main(function string, build func(Deps) (lambda.Handler, error)) {
	h, err := buildFromEnv(context.Background(), function, os.Getenv, os.Stdout, build)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", function, err)
		os.Exit(1)
	}
	lambda.Start(h)
}

// buildFromEnv builds Deps from getenv, then the handler from Deps.
func buildFromEnv(ctx context.Context, function string, getenv func(string) string, stdout io.Writer, build func(Deps) (lambda.Handler, error)) (lambda.Handler, error) {
	d, err := FromEnv(ctx, function, getenv, stdout)
	if err != nil {
		return nil, err
	}
	return build(d)
}
