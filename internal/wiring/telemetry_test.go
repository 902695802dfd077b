package wiring

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/observability"
)

// Each invocation ends with a flush: the span it made is in the span file,
// and the metric it recorded is an EMF line on stdout, by the time Invoke
// returns (nothing waits for a Shutdown that Lambda never gives).
func TestHandlerFlushesTelemetryPerInvocation(t *testing.T) {
	dir := t.TempDir()
	var stdout bytes.Buffer
	d, err := FromEnv(context.Background(), Worker, env(map[string]string{
		"BATON_BACKEND": "local", "BATON_STATE_DIR": dir,
		"BATON_TRACE_EXPORTER": "file", "BATON_TRACE_DIR": filepath.Join(dir, "traces"),
	}), &stdout)
	if err != nil {
		t.Fatal(err)
	}
	h := d.Handler(func(ctx context.Context, env events.Envelope) error {
		ctx, span := d.Obs.TracerProvider().Tracer("test").Start(ctx, "probe")
		defer span.End()
		c, _ := d.Obs.MeterProvider().Meter("test").Int64Counter("baton.records")
		c.Add(ctx, 42)
		d.Logger.InfoContext(ctx, "probe ran", "job_id", "j1")
		return nil
	})
	payload, _ := json.Marshal(events.Envelope{DetailType: "Probe", Detail: []byte(`{}`)})
	for i := range 2 {
		if _, err := h.Invoke(context.Background(), payload); err != nil {
			t.Fatal(err)
		}
		files, _ := filepath.Glob(filepath.Join(dir, "traces", "worker-*.jsonl"))
		if len(files) != 1 {
			t.Fatalf("span files %v", files)
		}
		spans, err := observability.ReadSpanFile(files[0])
		if err != nil || len(spans) != i+1 || spans[i].Name != "probe" {
			t.Fatalf("after invocation %d: spans %+v, %v", i+1, spans, err)
		}
	}
	out := stdout.String()
	if strings.Count(out, `"CloudWatchMetrics"`) != 2 || !strings.Contains(out, `"baton.records":42`) {
		t.Errorf("EMF lines on stdout:\n%s", out)
	}
	if !strings.Contains(out, `"message":"probe ran"`) || !strings.Contains(out, `"trace_id"`) {
		t.Errorf("log lines on stdout:\n%s", out)
	}
	_ = os.RemoveAll(dir)
}

// Spans started under untraced are not recorded: a claim-check fetch made
// before the event's trace is known leaves no stray trace.
func TestUntracedRecordsNothing(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	_, s := tp.Tracer("t").Start(untraced(context.Background()), "S3.GetObject")
	s.End()
	_, s = tp.Tracer("t").Start(context.Background(), "control")
	s.End()
	if ended := rec.Ended(); len(ended) != 1 || ended[0].Name() != "control" {
		t.Fatalf("recorded %d spans, want only the control", len(ended))
	}
}

// With OTLP (a batching exporter), the spans of an invocation reach the
// collector before Invoke returns: the flush at the end of every
// invocation, not a later batch timer or a Shutdown, sends them.
func TestHandlerFlushesOTLPPerInvocation(t *testing.T) {
	var posts atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/traces" {
			posts.Add(1)
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	dir := t.TempDir()
	d, err := FromEnv(context.Background(), Worker, env(map[string]string{
		"BATON_BACKEND": "local", "BATON_STATE_DIR": dir,
		"BATON_TRACE_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_ENDPOINT": srv.URL,
	}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	h := d.Handler(func(ctx context.Context, env events.Envelope) error {
		_, span := d.Obs.TracerProvider().Tracer("test").Start(ctx, "probe")
		span.End()
		return nil
	})
	payload, _ := json.Marshal(events.Envelope{DetailType: "Probe", Detail: []byte(`{}`)})
	for i := range 3 {
		if _, err := h.Invoke(context.Background(), payload); err != nil {
			t.Fatal(err)
		}
		if got := posts.Load(); got != int64(i+1) {
			t.Fatalf("after invocation %d the collector got %d exports, want %d", i+1, got, i+1)
		}
	}
}
