package observability

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// EMFNamespace is the CloudWatch namespace of every metric Baton exports.
const EMFNamespace = "Baton"

// EMFDimension is the one dimension of every exported metric; its value is
// the service (function) name.
const EMFDimension = "FunctionName"

// emfMaxMetrics is EMF's limit of metric definitions per directive; an
// export with more metrics writes several lines.
const emfMaxMetrics = 100

// EMFExporter is an sdk/metric Exporter writing CloudWatch Embedded Metric
// Format (EMF) JSON lines, one per export (more only past 100 metrics):
//
//	{"_aws":{"Timestamp":<unix ms>,"CloudWatchMetrics":[{"Namespace":"Baton",
//	  "Dimensions":[["FunctionName"]],"Metrics":[{"Name":"baton.bytes","Unit":"Bytes"},...]}]},
//	 "FunctionName":"<service>","baton.bytes":1234,...}
//
// Mapping (temporality is delta, so each line holds what was recorded since
// the previous export):
//   - counters and up-down counters (sums): the sum, as a number;
//   - gauges: the last value;
//   - histograms (and exponential histograms): a statistic set
//     {"Sum":s,"Count":n,"Min":m,"Max":x}, the form the ADOT awsemf exporter
//     writes; Min and Max are omitted when the SDK did not record them.
//
// Data points of one metric with different attribute sets are merged (the
// only dimension is FunctionName). Metrics with no data points in the
// export are left out; an export with none writes nothing. Units: "By" ->
// Bytes, "ms" -> Milliseconds, "s" -> Seconds, "us" -> Microseconds, "1",
// "" or an annotation "{...}" -> Count, "%" -> Percent, anything else ->
// None. Timestamp is the latest data point time.
//
// Safe for concurrent use; each line is one Write.
type EMFExporter struct {
	mu       sync.Mutex
	w        io.Writer
	function string
}

var _ sdkmetric.Exporter = (*EMFExporter)(nil)

// NewEMFExporter returns an exporter writing to w with FunctionName
// function.
func NewEMFExporter(w io.Writer, function string) *EMFExporter {
	return &EMFExporter{w: w, function: function}
}

// Temporality is delta for every instrument kind.
func (e *EMFExporter) Temporality(sdkmetric.InstrumentKind) metricdata.Temporality {
	return metricdata.DeltaTemporality
}

// Aggregation is the SDK default for every instrument kind.
func (e *EMFExporter) Aggregation(k sdkmetric.InstrumentKind) sdkmetric.Aggregation {
	return sdkmetric.DefaultAggregationSelector(k)
}

// ForceFlush does nothing: Export writes synchronously.
func (e *EMFExporter) ForceFlush(context.Context) error { return nil }

// Shutdown does nothing; the writer belongs to the caller.
func (e *EMFExporter) Shutdown(context.Context) error { return nil }

// emfMetric is one metric's definition and value for a line.
type emfMetric struct {
	name, unit string
	value      any
	at         time.Time
}

// Export writes rm as EMF lines; it returns the writer's error.
func (e *EMFExporter) Export(ctx context.Context, rm *metricdata.ResourceMetrics) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var ms []emfMetric
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if em, ok := toEMF(m); ok {
				ms = append(ms, em)
			}
		}
	}
	for len(ms) > 0 {
		n := min(len(ms), emfMaxMetrics)
		if err := e.writeLine(ms[:n]); err != nil {
			return err
		}
		ms = ms[n:]
	}
	return nil
}

// writeLine encodes one EMF document for ms and writes it.
func (e *EMFExporter) writeLine(ms []emfMetric) error {
	doc := map[string]any{EMFDimension: e.function}
	defs := make([]map[string]string, 0, len(ms))
	var at time.Time
	for _, m := range ms {
		defs = append(defs, map[string]string{"Name": m.name, "Unit": m.unit})
		doc[m.name] = m.value
		if m.at.After(at) {
			at = m.at
		}
	}
	doc["_aws"] = map[string]any{
		"Timestamp": at.UnixMilli(),
		"CloudWatchMetrics": []map[string]any{{
			"Namespace":  EMFNamespace,
			"Dimensions": [][]string{{EMFDimension}},
			"Metrics":    defs,
		}},
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return fmt.Errorf("encoding EMF line: %w", err)
	}
	b = append(b, '\n')
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, err := e.w.Write(b); err != nil {
		return fmt.Errorf("writing EMF line: %w", err)
	}
	return nil
}
