package wiring

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	awsevents "github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"go.opentelemetry.io/contrib/propagators/aws/xray"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"

	"github.com/batonrun/baton/internal/bus/eventbridge"
	"github.com/batonrun/baton/internal/ledger/dynamo"
	"github.com/batonrun/baton/internal/objstore/s3store"
	"github.com/batonrun/baton/observability"
)

// awsDeps builds the aws backend from the SDK's default configuration
// chain: S3 (one store serves objects and claim-check blobs in the payload
// bucket), EventBridge on the custom bus, and the DynamoDB ledger.
func awsDeps(ctx context.Context, c Config, obs *observability.Providers) (Deps, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return Deps{}, fmt.Errorf("loading AWS configuration: %w", err)
	}
	observability.InstrumentAWS(&cfg, obs.TracerProvider(), obs.Propagator()) // SDK calls as child spans
	return awsDepsFrom(cfg, c, obs)
}

// awsDepsFrom builds the aws backend from an SDK configuration.
func awsDepsFrom(cfg aws.Config, c Config, obs *observability.Providers) (Deps, error) {
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.UsePathStyle = c.S3PathStyle
		// Ranged GETs cannot be checked against a whole-object checksum.
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	})
	store, err := s3store.New(s3c, s3store.Options{PayloadBucket: c.PayloadBucket})
	if err != nil {
		return Deps{}, fmt.Errorf("s3 store: %w", err)
	}
	retried, err := obs.MeterProvider().Meter("github.com/batonrun/baton/internal/wiring").Int64Counter("baton.events.retried",
		metric.WithDescription("PutEvents entries sent again after EventBridge failed them"))
	if err != nil {
		return Deps{}, fmt.Errorf("metrics: %w", err)
	}
	bus, err := eventbridge.New(awsevents.NewFromConfig(cfg), eventbridge.Options{
		BusName: c.EventBus, Blobs: store, PayloadBucket: c.PayloadBucket, TraceHeader: traceHeader,
		OnRetry: func(ctx context.Context, n int) { retried.Add(ctx, int64(n)) },
	})
	if err != nil {
		return Deps{}, fmt.Errorf("eventbridge publisher: %w", err)
	}
	l, err := dynamo.New(dynamodb.NewFromConfig(cfg), c.Table, dynamo.Options{TTL: c.LedgerTTL, Blobs: store})
	if err != nil {
		return Deps{}, fmt.Errorf("dynamodb ledger: %w", err)
	}
	return Deps{Config: c, Store: store, Ledger: l, Bus: bus, Blobs: store}, nil
}

// traceHeader is the X-Ray trace header PutEvents carries for X-Ray's own
// view: the active span's, in X-Ray's format (Baton's trace ids are X-Ray
// compatible), or else the Lambda invocation's.
func traceHeader(ctx context.Context) string {
	c := propagation.MapCarrier{}
	xray.Propagator{}.Inject(ctx, c)
	if h := c.Get(observability.XRayHeader); h != "" {
		return h
	}
	return lambdaTraceHeader(ctx)
}

// lambdaTraceHeader returns the X-Ray trace header of the invocation in
// ctx: aws-lambda-go puts the runtime API's Lambda-Runtime-Trace-Id in the
// invocation context under "x-amzn-trace-id" (invoke_loop.go); "" outside
// an invocation or without active tracing.
func lambdaTraceHeader(ctx context.Context) string {
	v, _ := ctx.Value("x-amzn-trace-id").(string)
	return v
}
