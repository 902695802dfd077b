package observability

import (
	"go.opentelemetry.io/contrib/propagators/aws/xray"
	"go.opentelemetry.io/otel/propagation"
)

// XRayHeader is the carrier key the X-Ray propagator reads and writes.
const XRayHeader = "X-Amzn-Trace-Id"

// NewPropagator returns the composite propagator Baton uses everywhere:
// X-Ray ("X-Amzn-Trace-Id"), then W3C trace context ("traceparent",
// "tracestate"), then W3C baggage. On Extract a later propagator wins, so
// when a carrier holds both headers the W3C one (which also keeps
// tracestate) decides the parent; a carrier with only the X-Ray header (an
// X-Ray-traced caller) still joins its trace. It is stateless and safe for
// concurrent use.
func NewPropagator() propagation.TextMapPropagator {
	return propagation.NewCompositeTextMapPropagator(
		xray.Propagator{},
		propagation.TraceContext{},
		propagation.Baggage{},
	)
}
