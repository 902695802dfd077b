package observability

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"go.opentelemetry.io/contrib/instrumentation/github.com/aws/aws-sdk-go-v2/otelaws"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// InstrumentAWS adds otelaws middlewares to cfg.APIOptions so every SDK call
// made with cfg (by clients built from it afterwards) becomes a client span,
// a child of the span in the call's context, carrying rpc.* and aws.*
// attributes plus the DynamoDB, S3 and SQS request attributes (table names,
// bucket and key, queue URL); the trace context is injected into the
// request headers with prop. Call it once per aws.Config, before building
// clients; calling it twice makes two spans per call.
func InstrumentAWS(cfg *aws.Config, tp trace.TracerProvider, prop propagation.TextMapPropagator) {
	otelaws.AppendMiddlewares(&cfg.APIOptions,
		otelaws.WithTracerProvider(tp),
		otelaws.WithTextMapPropagator(prop),
		otelaws.WithAttributeBuilder(
			otelaws.DefaultAttributeBuilder,
			otelaws.DynamoDBAttributeBuilder,
			otelaws.S3AttributeBuilder,
			otelaws.SQSAttributeBuilder,
		),
	)
}
