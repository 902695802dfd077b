package tracectx_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"testing"

	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/ledger"
	"github.com/batonrun/baton/internal/tracectx"
)

type nopBus struct{ err error }

func (b nopBus) Publish(context.Context, ...events.Envelope) error { return b.err }

func TestTelemetryCountsAndEnds(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	reader := sdkmetric.NewManualReader()
	var logs bytes.Buffer
	tel := tracectx.New("test", tracectx.Providers{
		Tracer: sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec)), Propagator: propagation.TraceContext{},
		Meter: sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)), Logger: slog.New(slog.NewJSONHandler(&logs, nil)),
	})
	ctx, span := tel.Tracer.Start(context.Background(), "s")
	if tel.Inject(ctx) == nil {
		t.Fatal("Inject with a recording span gave nil")
	}
	_ = tel.CountPublished(nopBus{}).Publish(ctx, events.Envelope{}, events.Envelope{})
	_ = tel.CountPublished(nopBus{err: errors.New("down")}).Publish(ctx, events.Envelope{})
	conflict := fmt.Errorf("append: %w", ledger.ErrConflict)
	if got := tel.CountConflict(ctx, conflict); got != conflict {
		t.Fatalf("CountConflict changed the error: %v", got)
	}
	_ = tel.CountConflict(ctx, errors.New("other"))
	_ = tel.CountConflict(ctx, nil)
	tel.JobLogger("j", 2, 5).InfoContext(ctx, "hello")
	tracectx.End(span, tracectx.OutcomeFailed, errors.New("boom"))

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, m := range rm.ScopeMetrics[0].Metrics {
		if s, ok := m.Data.(metricdata.Sum[int64]); ok {
			for _, p := range s.DataPoints {
				got[m.Name] += p.Value
			}
		}
	}
	if got[tracectx.MetricPublished] != 2 || got[tracectx.MetricConflicts] != 1 {
		t.Errorf("published %d conflicts %d, want 2 and 1", got[tracectx.MetricPublished], got[tracectx.MetricConflicts])
	}
	var line map[string]any
	if err := json.Unmarshal(logs.Bytes(), &line); err != nil {
		t.Fatal(err)
	}
	if line["job_id"] != "j" || line["range"] != float64(2) || line["generation"] != float64(5) {
		t.Errorf("log line %v", line)
	}
	s := rec.Ended()[0]
	if s.Status().Code != codes.Error || s.Status().Description != "boom" || len(s.Events()) != 1 {
		t.Errorf("ended span status %v events %d", s.Status(), len(s.Events()))
	}
}

// Nil providers fall back to the otel globals (no-ops here) and
// slog.Default: nothing panics and nothing is injected.
func TestTelemetryDefaults(t *testing.T) {
	tel := tracectx.New("test", tracectx.Providers{})
	ctx, span := tel.Tracer.Start(context.Background(), "s")
	if tel.Inject(ctx) != nil {
		t.Error("the no-op global tracer produced a trace context")
	}
	tel.Metrics.Bytes.Add(ctx, 1)
	tel.Metrics.Duration.Record(ctx, 1)
	if tel.Logger != slog.Default() {
		t.Error("Logger is not slog.Default()")
	}
	tracectx.End(span, tracectx.OutcomeOK, nil)
}

// A panic still ends the span, as failed, and keeps unwinding.
func TestEndOnPanic(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Errorf("recovered %v, want the panic to go on", r)
			}
		}()
		_, span := tp.Tracer("t").Start(context.Background(), "h")
		defer tracectx.EndOnPanic(span)
		panic("boom")
	}()
	ended := rec.Ended()
	if len(ended) != 1 || ended[0].Status().Code != codes.Error {
		t.Fatalf("ended spans %v", ended)
	}
}
