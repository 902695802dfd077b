package tracectx_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"go.opentelemetry.io/contrib/propagators/aws/xray"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/tracectx"
)

func composite() propagation.TextMapPropagator {
	return propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, xray.Propagator{})
}

func spanContext(t *testing.T, traceHex, spanHex string, sampled bool) trace.SpanContext {
	t.Helper()
	tid, err := trace.TraceIDFromHex(traceHex)
	if err != nil {
		t.Fatal(err)
	}
	sid, err := trace.SpanIDFromHex(spanHex)
	if err != nil {
		t.Fatal(err)
	}
	var flags trace.TraceFlags
	if sampled {
		flags = trace.FlagsSampled
	}
	ts, err := trace.ParseTraceState("vendor=v1")
	if err != nil {
		t.Fatal(err)
	}
	return trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: flags, TraceState: ts, Remote: true})
}

func TestInjectWritesW3CAndXRayFields(t *testing.T) {
	const tid, sid = "6745a2b1c0d3e4f5a6b7c8d9e0f1a2b3", "a1b2c3d4e5f60718"
	for _, sampled := range []bool{true, false} {
		sc := spanContext(t, tid, sid, sampled)
		ctx := trace.ContextWithSpanContext(context.Background(), sc)
		got := tracectx.Inject(ctx, composite())
		if got == nil {
			t.Fatal("Inject returned nil for a valid span context")
		}
		flag := map[bool]string{true: "01", false: "00"}[sampled]
		xflag := map[bool]string{true: "1", false: "0"}[sampled]
		want := events.Trace{
			TraceParent: fmt.Sprintf("00-%s-%s-%s", tid, sid, flag),
			TraceState:  "vendor=v1",
			XRay:        fmt.Sprintf("Root=1-%s-%s;Parent=%s;Sampled=%s", tid[:8], tid[8:], sid, xflag),
		}
		if *got != want {
			t.Errorf("sampled %v: Inject = %+v, want %+v", sampled, *got, want)
		}
	}
}

func TestInjectWithoutSpanIsNil(t *testing.T) {
	if got := tracectx.Inject(context.Background(), composite()); got != nil {
		t.Errorf("Inject without a span = %+v, want nil", *got)
	}
	// A propagator that writes nothing also gives nil.
	ctx := trace.ContextWithSpanContext(context.Background(), spanContext(t, "0102030405060708090a0b0c0d0e0f10", "0102030405060708", true))
	if got := tracectx.Inject(ctx, propagation.Baggage{}); got != nil {
		t.Errorf("Inject with a baggage-only propagator = %+v, want nil", *got)
	}
}

// TestRoundTripEachPropagator injects with one propagator and extracts with
// the same one: the extracted remote span context equals the original.
func TestRoundTripEachPropagator(t *testing.T) {
	props := map[string]propagation.TextMapPropagator{
		"w3c": propagation.TraceContext{}, "xray": xray.Propagator{}, "composite": composite(),
	}
	sc := spanContext(t, "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", true)
	for name, p := range props {
		tr := tracectx.Inject(trace.ContextWithSpanContext(context.Background(), sc), p)
		got := trace.SpanContextFromContext(tracectx.Extract(context.Background(), p, tr))
		if got.TraceID() != sc.TraceID() || got.SpanID() != sc.SpanID() || got.TraceFlags() != sc.TraceFlags() || !got.IsRemote() {
			t.Errorf("%s: extracted %v, want %v (remote)", name, got, sc)
		}
	}
}

// TestExtractXRayOnly: a detail carrying only the X-Ray header (e.g. written
// by an X-Ray SDK) is read by the composite propagator.
func TestExtractXRayOnly(t *testing.T) {
	tr := &events.Trace{XRay: "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"}
	got := trace.SpanContextFromContext(tracectx.Extract(context.Background(), composite(), tr))
	if got.TraceID().String() != "5759e988bd862e3fe1be46a994272793" || got.SpanID().String() != "53995c3f42cd8ad8" || !got.IsSampled() {
		t.Errorf("extracted %v", got)
	}
}

func TestExtractNilOrEmptyLeavesContext(t *testing.T) {
	for _, tr := range []*events.Trace{nil, {}} {
		ctx := tracectx.Extract(context.Background(), composite(), tr)
		if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
			t.Errorf("Extract(%v) gave span context %v", tr, sc)
		}
	}
	if _, ok := tracectx.Link(composite(), nil); ok {
		t.Error("Link(nil) ok")
	}
}

func TestCarrierKeysAreCaseInsensitive(t *testing.T) {
	tr := &events.Trace{}
	c := tracectx.Carrier{T: tr}
	c.Set("TraceParent", "tp")
	c.Set("TRACESTATE", "ts")
	c.Set("x-amzn-trace-id", "xr")
	c.Set("baggage", "dropped")
	if *tr != (events.Trace{TraceParent: "tp", TraceState: "ts", XRay: "xr"}) {
		t.Fatalf("Set filled %+v", *tr)
	}
	for _, k := range []string{"traceparent", "TRACEPARENT", "tracestate", "X-Amzn-Trace-Id", "X-AMZN-TRACE-ID"} {
		if c.Get(k) == "" {
			t.Errorf("Get(%q) empty", k)
		}
	}
	if c.Get("baggage") != "" {
		t.Error("Get(baggage) not empty")
	}
	if got := strings.Join(c.Keys(), ","); got != "traceparent,tracestate,X-Amzn-Trace-Id" {
		t.Errorf("Keys = %s", got)
	}
	if got := (tracectx.Carrier{T: &events.Trace{XRay: "x"}}).Keys(); len(got) != 1 || got[0] != tracectx.KeyXRay {
		t.Errorf("Keys of an X-Ray-only trace = %v", got)
	}
	nilC := tracectx.Carrier{}
	nilC.Set("traceparent", "x") // must not panic
	if nilC.Get("traceparent") != "" || len(nilC.Keys()) != 0 {
		t.Error("nil carrier not empty")
	}
}
