package observability

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// logLines decodes each line of buf as a JSON object, keeping key order.
func logLines(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

func TestLoggerLambdaShape(t *testing.T) {
	var buf bytes.Buffer
	p, err := New(context.Background(), Options{SpanExporter: tracetest.NewInMemoryExporter(), Getenv: fixedEnv(nil)})
	if err != nil {
		t.Fatal(err)
	}
	log := p.Logger(&buf)
	before := time.Now()
	log.Info("no span", "n", 3)
	ctx, s := p.TracerProvider().Tracer("t").Start(context.Background(), "range")
	log.With("job_id", "j1", "range", 2).WithGroup("g").With("a", 1).WithGroup("h").
		ErrorContext(ctx, "under span", "err", errors.New("bad"), slog.Group("sub", "x", true), "d", time.Second)
	log.WithGroup("empty").InfoContext(ctx, "empty group omitted")
	log.Debug("dropped below INFO")
	s.End()

	lines := logLines(t, &buf)
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 3:\n%s", len(lines), buf.String())
	}
	for i, l := range lines {
		ts, err := time.Parse(time.RFC3339Nano, l["timestamp"].(string))
		if err != nil || !strings.HasSuffix(l["timestamp"].(string), "Z") || ts.Before(before.Add(-time.Second)) {
			t.Errorf("line %d timestamp %v (%v)", i, l["timestamp"], err)
		}
	}
	first := buf.String()[:strings.Index(buf.String(), "\n")]
	if !strings.HasPrefix(first, `{"timestamp":"`) || !strings.Contains(first, `,"level":"INFO","message":"no span","n":3}`) {
		t.Errorf("first line order/shape: %s", first)
	}
	if _, ok := lines[0]["trace_id"]; ok {
		t.Error("trace_id on a line logged without a span")
	}
	sc := s.SpanContext()
	l := lines[1]
	if l["level"] != "ERROR" || l["message"] != "under span" || l["trace_id"] != sc.TraceID().String() || l["span_id"] != sc.SpanID().String() {
		t.Errorf("span line %v", l)
	}
	if l["job_id"] != "j1" || l["range"] != float64(2) {
		t.Errorf("With attrs missing: %v", l)
	}
	g, _ := l["g"].(map[string]any)
	h, _ := g["h"].(map[string]any)
	sub, _ := h["sub"].(map[string]any)
	if g["a"] != float64(1) || h["err"] != "bad" || sub["x"] != true || h["d"] != float64(time.Second) {
		t.Errorf("nested groups wrong: %v", l)
	}
	if _, ok := lines[2]["empty"]; ok || lines[2]["trace_id"] != sc.TraceID().String() {
		t.Errorf("empty group line %v", lines[2])
	}
}

func TestNewLoggerLevel(t *testing.T) {
	var buf bytes.Buffer
	log := NewLogger(&buf, slog.LevelWarn)
	log.Info("hidden")
	log.Warn("shown")
	lines := logLines(t, &buf)
	if len(lines) != 1 || lines[0]["level"] != "WARN" || lines[0]["message"] != "shown" {
		t.Errorf("lines %v", lines)
	}
}
