// Package tracectx carries OpenTelemetry trace context inside event details
// (events.Trace), because EventBridge does not pass PutEvents' TraceHeader
// on to its targets, and holds the telemetry handles the handlers share.
// It imports only the OpenTelemetry API; the propagator, tracer and meter
// providers are injected (observability/ wires the SDK).
package tracectx

import (
	"context"
	"strings"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/batonrun/baton/events"
)

// Header keys the Carrier maps onto events.Trace fields.
const (
	KeyTraceParent = "traceparent"
	KeyTraceState  = "tracestate"
	// KeyXRay is the X-Ray propagator's header; its value is stored in
	// events.Trace.XRay.
	KeyXRay = "X-Amzn-Trace-Id"
)

// Carrier is a propagation.TextMapCarrier over an events.Trace. Get matches
// keys case-insensitively; Set ignores keys other than the three above
// (tracestate, traceparent, X-Amzn-Trace-Id), so a propagator that writes
// more (baggage) loses those fields. A nil T reads as empty and ignores Set.
// Not safe for concurrent use.
type Carrier struct{ T *events.Trace }

var _ propagation.TextMapCarrier = Carrier{}

func (c Carrier) field(key string) *string {
	if c.T == nil {
		return nil
	}
	switch {
	case strings.EqualFold(key, KeyTraceParent):
		return &c.T.TraceParent
	case strings.EqualFold(key, KeyTraceState):
		return &c.T.TraceState
	case strings.EqualFold(key, KeyXRay):
		return &c.T.XRay
	}
	return nil
}

// Get returns the value stored for key, or "".
func (c Carrier) Get(key string) string {
	if f := c.field(key); f != nil {
		return *f
	}
	return ""
}

// Set stores value for one of the three known keys.
func (c Carrier) Set(key, value string) {
	if f := c.field(key); f != nil {
		*f = value
	}
}

// Keys lists the keys that hold a value.
func (c Carrier) Keys() []string {
	var keys []string
	for _, k := range []string{KeyTraceParent, KeyTraceState, KeyXRay} {
		if c.Get(k) != "" {
			keys = append(keys, k)
		}
	}
	return keys
}

// Inject returns the trace context of the span in ctx as written by prop,
// or nil when ctx holds no valid span context or prop writes none of the
// three fields.
func Inject(ctx context.Context, prop propagation.TextMapPropagator) *events.Trace {
	if !trace.SpanContextFromContext(ctx).IsValid() {
		return nil
	}
	t := &events.Trace{}
	prop.Inject(ctx, Carrier{T: t})
	if *t == (events.Trace{}) {
		return nil
	}
	return t
}

// Extract returns ctx with the remote span context prop reads from t (nil
// or empty t: ctx unchanged by any standard propagator). A span started
// from the result is a child of the span that injected t.
func Extract(ctx context.Context, prop propagation.TextMapPropagator, t *events.Trace) context.Context {
	if t == nil {
		return ctx
	}
	return prop.Extract(ctx, Carrier{T: t})
}

// Link is the span link to the span whose context t carries; ok is false
// when t holds no valid span context.
func Link(prop propagation.TextMapPropagator, t *events.Trace) (link trace.Link, ok bool) {
	sc := trace.SpanContextFromContext(Extract(context.Background(), prop, t))
	return trace.Link{SpanContext: sc}, sc.IsValid()
}
