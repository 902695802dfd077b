package observability

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// emfDoc is the EMF shape, decoded independently of the exporter's types.
type emfDoc struct {
	AWS struct {
		Timestamp         int64
		CloudWatchMetrics []struct {
			Namespace  string
			Dimensions [][]string
			Metrics    []struct{ Name, Unit string }
		}
	} `json:"_aws"`
}

func parseEMF(t *testing.T, line string) (emfDoc, map[string]any) {
	t.Helper()
	var d emfDoc
	var m map[string]any
	if err := json.Unmarshal([]byte(line), &d); err != nil {
		t.Fatalf("EMF line %q: %v", line, err)
	}
	if err := json.Unmarshal([]byte(line), &m); err != nil {
		t.Fatal(err)
	}
	return d, m
}

// TestEMFExport records random values, flushes, and checks the EMF line
// against sums computed here; a second flush carries only the new deltas.
func TestEMFExport(t *testing.T) {
	var buf bytes.Buffer
	ctx := context.Background()
	p, err := New(ctx, Options{ServiceName: "baton-worker", MetricsWriter: &buf, Getenv: fixedEnv(nil)})
	if err != nil {
		t.Fatal(err)
	}
	m := p.MeterProvider().Meter("test")
	bytesC, _ := m.Int64Counter("baton.bytes", metric.WithUnit("By"))
	recs, _ := m.Int64Counter("baton.records")
	dur, _ := m.Float64Histogram("baton.invocation.duration", metric.WithUnit("ms"))
	rng := rand.New(rand.NewPCG(1, 2))
	var wantBytes, wantRecs int64
	var durs []float64
	for i := range 50 {
		b := rng.Int64N(1 << 20)
		wantBytes += b
		bytesC.Add(ctx, b, metric.WithAttributes(attribute.Int("range", i%3)))
		wantRecs++
		recs.Add(ctx, 1)
		d := rng.Float64() * 1000
		durs = append(durs, d)
		dur.Record(ctx, d, metric.WithAttributes(attribute.Int("range", i%4)))
	}
	start := time.Now()
	if err := p.ForceFlush(ctx); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 1 {
		t.Fatalf("%d EMF lines, want 1:\n%s", len(lines), buf.String())
	}
	d, doc := parseEMF(t, lines[0])
	if ts := time.UnixMilli(d.AWS.Timestamp); ts.Before(start.Add(-time.Minute)) || ts.After(time.Now()) {
		t.Errorf("timestamp %v", ts)
	}
	if len(d.AWS.CloudWatchMetrics) != 1 {
		t.Fatalf("directives %+v", d.AWS.CloudWatchMetrics)
	}
	dir := d.AWS.CloudWatchMetrics[0]
	if dir.Namespace != "Baton" || len(dir.Dimensions) != 1 || len(dir.Dimensions[0]) != 1 || dir.Dimensions[0][0] != "FunctionName" {
		t.Errorf("directive %+v", dir)
	}
	if doc["FunctionName"] != "baton-worker" {
		t.Errorf("FunctionName %v", doc["FunctionName"])
	}
	units := map[string]string{}
	for _, mm := range dir.Metrics {
		units[mm.Name] = mm.Unit
		if _, ok := doc[mm.Name]; !ok {
			t.Errorf("metric %s declared without a value", mm.Name)
		}
	}
	wantUnits := map[string]string{"baton.bytes": "Bytes", "baton.records": "Count", "baton.invocation.duration": "Milliseconds"}
	for k, v := range wantUnits {
		if units[k] != v {
			t.Errorf("unit of %s = %q, want %q", k, units[k], v)
		}
	}
	if doc["baton.bytes"] != float64(wantBytes) || doc["baton.records"] != float64(wantRecs) {
		t.Errorf("bytes %v records %v, want %d %d", doc["baton.bytes"], doc["baton.records"], wantBytes, wantRecs)
	}
	checkStats(t, doc["baton.invocation.duration"], durs)

	// Delta: the next flush holds only what was recorded since.
	buf.Reset()
	bytesC.Add(ctx, 7)
	if err := p.ForceFlush(ctx); err != nil {
		t.Fatal(err)
	}
	_, doc2 := parseEMF(t, strings.TrimSuffix(buf.String(), "\n"))
	if doc2["baton.bytes"] != float64(7) {
		t.Errorf("second flush bytes %v, want 7", doc2["baton.bytes"])
	}
	if _, ok := doc2["baton.invocation.duration"]; ok {
		t.Error("histogram with no new measurements exported again")
	}
	// Nothing recorded: nothing written.
	buf.Reset()
	if err := p.ForceFlush(ctx); err != nil || buf.Len() != 0 {
		t.Errorf("empty flush wrote %q (err %v)", buf.String(), err)
	}
}

func checkStats(t *testing.T, v any, xs []float64) {
	t.Helper()
	s, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("histogram value %v is not a statistic set", v)
	}
	var sum float64
	lo, hi := xs[0], xs[0]
	for _, x := range xs {
		sum += x
		lo, hi = min(lo, x), max(hi, x)
	}
	if s["Count"] != float64(len(xs)) || s["Min"] != lo || s["Max"] != hi {
		t.Errorf("stats %v, want count %d min %v max %v", s, len(xs), lo, hi)
	}
	if got, _ := s["Sum"].(float64); got < sum*(1-1e-9) || got > sum*(1+1e-9) {
		t.Errorf("sum %v, want %v", s["Sum"], sum)
	}
}

// TestEMFManyMetrics checks the 100-metrics-per-directive limit splits lines.
func TestEMFManyMetrics(t *testing.T) {
	var buf bytes.Buffer
	ctx := context.Background()
	p, err := New(ctx, Options{MetricsWriter: &buf, Getenv: fixedEnv(nil)})
	if err != nil {
		t.Fatal(err)
	}
	m := p.MeterProvider().Meter("test")
	const n = 230
	for i := range n {
		c, _ := m.Int64Counter("c" + strings.Repeat("x", i))
		c.Add(ctx, int64(i+1))
	}
	if err := p.ForceFlush(ctx); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 3", len(lines))
	}
	total, count := 0.0, 0
	for _, l := range lines {
		d, doc := parseEMF(t, l)
		ms := d.AWS.CloudWatchMetrics[0].Metrics
		if len(ms) > 100 {
			t.Errorf("%d metrics in one directive", len(ms))
		}
		for _, mm := range ms {
			total += doc[mm.Name].(float64)
			count++
		}
	}
	if count != n || total != float64(n*(n+1)/2) {
		t.Errorf("%d metrics totalling %v, want %d totalling %d", count, total, n, n*(n+1)/2)
	}
}

func TestEMFUnits(t *testing.T) {
	for in, want := range map[string]string{"By": "Bytes", "ms": "Milliseconds", "1": "Count", "": "Count", "{hop}": "Count", "s": "Seconds", "furlong": "None"} {
		if got := emfUnit(in); got != want {
			t.Errorf("emfUnit(%q) = %q, want %q", in, got, want)
		}
	}
}
