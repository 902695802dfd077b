package splitter_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.opentelemetry.io/contrib/propagators/aws/xray"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/batonrun/baton/events"
	ledgermem "github.com/batonrun/baton/internal/ledger/memory"
	objmem "github.com/batonrun/baton/internal/objstore/memory"
	"github.com/batonrun/baton/internal/splitter"
	"github.com/batonrun/baton/internal/tracectx"
)

// tracedSplitter is a splitter over memory ports whose spans are recorded.
type tracedSplitter struct {
	etag string
	sp   *splitter.Splitter
	rec  *tracetest.SpanRecorder
	tp   trace.TracerProvider
	prop propagation.TextMapPropagator
	bus  *recordingBus
}

type recordingBus struct{ envs []events.Envelope }

func (b *recordingBus) Publish(_ context.Context, envs ...events.Envelope) error {
	b.envs = append(b.envs, envs...)
	return nil
}

func newTracedSplitter(t *testing.T) *tracedSplitter {
	t.Helper()
	mem := objmem.New(objmem.Options{})
	ref := mem.Put("in", "obj.csv", csvObject(3000))
	rec := tracetest.NewSpanRecorder()
	ts := &tracedSplitter{etag: ref.ETag, rec: rec, tp: sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec)),
		prop: propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, xray.Propagator{}), bus: &recordingBus{}}
	ts.sp = splitter.New(mem, ledgermem.New(), ts.bus, splitter.Options{
		UploadQuery: "SELECT count(*) FROM s3object", Tracer: ts.tp, Propagator: ts.prop,
		Defaults: events.Limits{RangeSizeBytes: 4 << 10}})
	return ts
}

// only returns the one recorded span, which must be baton.split.
func (ts *tracedSplitter) only(t *testing.T) sdktrace.ReadOnlySpan {
	t.Helper()
	spans := ts.rec.Ended()
	if len(spans) != 1 || spans[0].Name() != tracectx.SpanSplit {
		t.Fatalf("%d spans, want one baton.split", len(spans))
	}
	return spans[0]
}

// checkPublishedTrace: every RangeAssigned carries the split span's context.
func (ts *tracedSplitter) checkPublishedTrace(t *testing.T, split sdktrace.ReadOnlySpan) {
	t.Helper()
	if len(ts.bus.envs) < 2 {
		t.Fatalf("%d events published, want several RangeAssigned", len(ts.bus.envs))
	}
	for _, env := range ts.bus.envs {
		var ra events.RangeAssigned
		if err := events.Decode(env, &ra); err != nil {
			t.Fatal(err)
		}
		got := trace.SpanContextFromContext(tracectx.Extract(context.Background(), ts.prop, ra.Trace))
		if got.TraceID() != split.SpanContext().TraceID() || got.SpanID() != split.SpanContext().SpanID() {
			t.Fatalf("range %d carries %v, want the split span %v", ra.Range.Index, got, split.SpanContext())
		}
	}
}

// ctxWithSpan is a context holding a live span of another trace, as a
// runtime's own instrumentation might pass in.
func (ts *tracedSplitter) ctxWithSpan() (context.Context, trace.SpanContext) {
	ctx, span := ts.tp.Tracer("test").Start(context.Background(), "runtime")
	span.End()
	ts.rec.Reset()
	return ctx, span.SpanContext()
}

func jobRequest(tr *events.Trace) events.Envelope {
	env, _ := events.Encode("req-1", time.Now(), events.JobRequested{SchemaVersion: events.SchemaVersion, JobID: "tj",
		Object: events.ObjectRef{Bucket: "in", Key: "obj.csv"}, Query: "SELECT count(*) FROM s3object",
		Format: events.Format{Kind: "csv", Header: true}, Trace: tr})
	return env
}

func TestSplitJoinsTheRequestsTrace(t *testing.T) {
	ts := newTracedSplitter(t)
	caller := trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16},
		SpanID: trace.SpanID{1, 2, 3, 4, 5, 6, 7, 8}, TraceFlags: trace.FlagsSampled})
	carried := tracectx.Inject(trace.ContextWithSpanContext(context.Background(), caller), ts.prop)
	if err := ts.sp.Handle(context.Background(), jobRequest(carried)); err != nil {
		t.Fatal(err)
	}
	split := ts.only(t)
	if split.Parent().SpanID() != caller.SpanID() || split.SpanContext().TraceID() != caller.TraceID() {
		t.Fatalf("split parent %v in trace %v, want child of %v", split.Parent(), split.SpanContext().TraceID(), caller)
	}
	if got := attr(split, tracectx.AttrRangeCount).AsInt64(); got != int64(len(ts.bus.envs)) {
		t.Errorf("range count %d, %d RangeAssigned", got, len(ts.bus.envs))
	}
	if attr(split, tracectx.AttrJobID).AsString() != "tj" || attr(split, tracectx.AttrOutcome).AsString() != tracectx.OutcomeOK {
		t.Errorf("attributes %v", split.Attributes())
	}
	ts.checkPublishedTrace(t, split)
}

// Without a trace in the request, and always for an S3 upload, the split
// span is a new root, even when the context holds another span.
func TestSplitStartsNewTrace(t *testing.T) {
	for name, env := range map[string]func(etag string) events.Envelope{
		"request without trace": func(string) events.Envelope { return jobRequest(nil) },
		"upload":                func(etag string) events.Envelope { return uploadEvent("up-1", "in", "obj.csv", "", etag) },
	} {
		t.Run(name, func(t *testing.T) {
			ts := newTracedSplitter(t)
			ctx, runtime := ts.ctxWithSpan()
			if err := ts.sp.Handle(ctx, env(ts.etag)); err != nil {
				t.Fatal(err)
			}
			split := ts.only(t)
			if split.Parent().IsValid() || split.SpanContext().TraceID() == runtime.TraceID() {
				t.Fatalf("split parent %v trace %v: want a new root", split.Parent(), split.SpanContext().TraceID())
			}
			ts.checkPublishedTrace(t, split)
		})
	}
}

// A redelivered request is a "duplicate" span; a malformed one is
// "refused" with the error recorded and status Error.
func TestSplitOutcomes(t *testing.T) {
	ts := newTracedSplitter(t)
	env := jobRequest(nil)
	_ = ts.sp.Handle(context.Background(), env)
	ts.rec.Reset()
	if err := ts.sp.Handle(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	if got := attr(ts.only(t), tracectx.AttrOutcome).AsString(); got != tracectx.OutcomeDuplicate {
		t.Errorf("redelivery outcome %q", got)
	}
	ts.rec.Reset()
	bad := events.Envelope{DetailType: events.TypeJobRequested, Detail: []byte(`{"schemaVersion":1}`)}
	if err := ts.sp.Handle(context.Background(), bad); !errors.Is(err, events.ErrMalformed) {
		t.Fatalf("got %v", err)
	}
	s := ts.only(t)
	if attr(s, tracectx.AttrOutcome).AsString() != tracectx.OutcomeRefused || s.Status().Code != codes.Error || len(s.Events()) == 0 {
		t.Errorf("malformed request: outcome %q status %v events %d", attr(s, tracectx.AttrOutcome).AsString(), s.Status(), len(s.Events()))
	}
}

func attr(s sdktrace.ReadOnlySpan, key attribute.Key) attribute.Value {
	for _, kv := range s.Attributes() {
		if kv.Key == key {
			return kv.Value
		}
	}
	return attribute.Value{}
}
