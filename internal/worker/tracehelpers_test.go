package worker_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"go.opentelemetry.io/contrib/propagators/aws/xray"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// traced holds the SDK recorders behind a harness's telemetry.
type traced struct {
	rec     *tracetest.SpanRecorder
	tp      *sdktrace.TracerProvider
	metrics *sdkmetric.ManualReader
	logs    *lockedBuffer
}

func newTraced() *traced {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec),
		sdktrace.WithIDGenerator(xray.NewIDGenerator()), sdktrace.WithSampler(sdktrace.AlwaysSample()))
	return &traced{rec: rec, tp: tp, metrics: sdkmetric.NewManualReader(), logs: &lockedBuffer{}}
}

func (tr *traced) telemetry() *telemetry {
	return &telemetry{
		tp:     tr.tp,
		prop:   propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, xray.Propagator{}),
		mp:     sdkmetric.NewMeterProvider(sdkmetric.WithReader(tr.metrics)),
		logger: slog.New(slog.NewJSONHandler(tr.logs, nil)),
	}
}

// sums returns the int64 counters and the data point count of each
// histogram, by metric name.
func (tr *traced) sums(t *testing.T) map[string]int64 {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := tr.metrics.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					out[m.Name] += p.Value
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					out[m.Name] += int64(p.Count)
				}
			}
		}
	}
	return out
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(l.b.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

// attr returns span's attribute key, or an invalid Value.
func attr(s sdktrace.ReadOnlySpan, key attribute.Key) attribute.Value {
	for _, kv := range s.Attributes() {
		if kv.Key == key {
			return kv.Value
		}
	}
	return attribute.Value{}
}

// rangeKey names one worker invocation.
type rangeKey struct{ index, gen int }

func (k rangeKey) String() string { return fmt.Sprintf("range %d gen %d", k.index, k.gen) }

// spanText is every string a span exports: name, attributes, events,
// status and link attributes.
func spanText(s sdktrace.ReadOnlySpan) string {
	var b strings.Builder
	b.WriteString(s.Name() + " " + s.Status().Description)
	for _, kv := range s.Attributes() {
		b.WriteString(" " + kv.Value.Emit())
	}
	for _, e := range s.Events() {
		b.WriteString(" " + e.Name)
		for _, kv := range e.Attributes {
			b.WriteString(" " + kv.Value.Emit())
		}
	}
	for _, l := range s.Links() {
		for _, kv := range l.Attributes {
			b.WriteString(" " + kv.Value.Emit())
		}
	}
	return b.String()
}

func sameSpan(a, b trace.SpanContext) bool {
	return a.TraceID() == b.TraceID() && a.SpanID() == b.SpanID()
}
