package observability

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// TestPropagatorRoundTrip injects a span's context and checks both headers
// against independently formatted values, then extracts from each header
// alone and from both.
func TestPropagatorRoundTrip(t *testing.T) {
	p, err := New(context.Background(), Options{SpanExporter: tracetest.NewInMemoryExporter(), Getenv: fixedEnv(nil)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, s := p.TracerProvider().Tracer("t").Start(context.Background(), "publisher")
	defer s.End()
	sc := s.SpanContext()
	carrier := propagation.MapCarrier{}
	p.Propagator().Inject(ctx, carrier)

	tid := sc.TraceID().String()
	wantTP := fmt.Sprintf("00-%s-%s-01", tid, sc.SpanID())
	if carrier["traceparent"] != wantTP {
		t.Errorf("traceparent %q, want %q", carrier["traceparent"], wantTP)
	}
	wantXRay := fmt.Sprintf("Root=1-%s-%s;Parent=%s;Sampled=1", tid[:8], tid[8:], sc.SpanID())
	if carrier[XRayHeader] != wantXRay {
		t.Errorf("%s %q, want %q", XRayHeader, carrier[XRayHeader], wantXRay)
	}
	for _, keys := range [][]string{{"traceparent"}, {XRayHeader}, {"traceparent", XRayHeader}} {
		only := propagation.MapCarrier{}
		for _, k := range keys {
			only[k] = carrier[k]
		}
		got := trace.SpanContextFromContext(p.Propagator().Extract(context.Background(), only))
		if got.TraceID() != sc.TraceID() || got.SpanID() != sc.SpanID() || !got.IsSampled() || !got.IsRemote() {
			t.Errorf("extract from %s: %v, want trace %s span %s sampled remote", strings.Join(keys, "+"), got, sc.TraceID(), sc.SpanID())
		}
	}
	// A child started from the extracted context joins the trace.
	ext := p.Propagator().Extract(context.Background(), propagation.MapCarrier{XRayHeader: carrier[XRayHeader]})
	_, child := p.TracerProvider().Tracer("t").Start(ext, "handler")
	child.End()
	if child.SpanContext().TraceID() != sc.TraceID() {
		t.Errorf("child trace %s, want %s", child.SpanContext().TraceID(), sc.TraceID())
	}
	if fields := strings.Join(p.Propagator().Fields(), ","); !strings.Contains(fields, "traceparent") || !strings.Contains(fields, XRayHeader) {
		t.Errorf("Fields() = %s", fields)
	}
}
