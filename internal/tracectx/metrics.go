package tracectx

import (
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"
)

// Metric names (the tracing contract of issue 4).
const (
	MetricBytes       = "baton.bytes"
	MetricRecords     = "baton.records"
	MetricDuration    = "baton.invocation.duration"
	MetricHops        = "baton.hops"
	MetricCacheHits   = "baton.cache.hits"
	MetricCacheMisses = "baton.cache.misses"
	MetricPublished   = "baton.events.published"
	// MetricRetried is recorded by bus adapters (entries PutEvents failed
	// and that were sent again); the handlers do not retry.
	MetricRetried   = "baton.events.retried"
	MetricConflicts = "baton.ledger.conflicts"
)

// Metrics are the instruments the handlers record. They carry no
// attributes: the exporter adds the function name.
type Metrics struct {
	Bytes       metric.Int64Counter     // bytes of committed checkpoints (By)
	Records     metric.Int64Counter     // records of committed checkpoints
	Duration    metric.Float64Histogram // one handler invocation (ms)
	Hops        metric.Int64Counter     // RangeContinued events published
	CacheHits   metric.Int64Counter     // range reads served by the warm cache
	CacheMisses metric.Int64Counter     // range reads a warm cache could not serve
	Published   metric.Int64Counter     // events handed to the bus
	Conflicts   metric.Int64Counter     // conditional ledger writes that lost
}

func newMetrics(m metric.Meter) Metrics {
	var fallback = noop.Meter{}
	counter := func(name, unit, desc string) metric.Int64Counter {
		c, err := m.Int64Counter(name, metric.WithUnit(unit), metric.WithDescription(desc))
		if err != nil {
			otel.Handle(err)
		}
		if c == nil {
			c, _ = fallback.Int64Counter(name)
		}
		return c
	}
	d, err := m.Float64Histogram(MetricDuration, metric.WithUnit("ms"), metric.WithDescription("Duration of one handler invocation."))
	if err != nil {
		otel.Handle(err)
	}
	if d == nil {
		d, _ = fallback.Float64Histogram(MetricDuration)
	}
	return Metrics{
		Bytes:       counter(MetricBytes, "By", "Bytes of the object processed (committed checkpoints)."),
		Records:     counter(MetricRecords, "{record}", "Records processed (committed checkpoints)."),
		Duration:    d,
		Hops:        counter(MetricHops, "{hop}", "RangeContinued events published."),
		CacheHits:   counter(MetricCacheHits, "{read}", "Range reads served by the warm cache."),
		CacheMisses: counter(MetricCacheMisses, "{read}", "Range reads the warm cache could not serve."),
		Published:   counter(MetricPublished, "{event}", "Events handed to the bus."),
		Conflicts:   counter(MetricConflicts, "{write}", "Conditional ledger writes that lost to an earlier write."),
	}
}
