package observability

import (
	"math"
	"strings"
	"time"

	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// statSet is EMF's statistic-set value for a histogram.
type statSet struct {
	Sum   float64  `json:"Sum"`
	Count uint64   `json:"Count"`
	Min   *float64 `json:"Min,omitempty"`
	Max   *float64 `json:"Max,omitempty"`
}

// toEMF maps one metric to its EMF value; false when it has no data points
// or an aggregation this exporter does not know.
func toEMF(m metricdata.Metrics) (emfMetric, bool) {
	em := emfMetric{name: m.Name, unit: emfUnit(m.Unit)}
	var ok bool
	switch d := m.Data.(type) {
	case metricdata.Sum[int64]:
		em.value, em.at, ok = sumPoints(d.DataPoints)
	case metricdata.Sum[float64]:
		em.value, em.at, ok = sumPoints(d.DataPoints)
	case metricdata.Gauge[int64]:
		em.value, em.at, ok = lastPoint(d.DataPoints)
	case metricdata.Gauge[float64]:
		em.value, em.at, ok = lastPoint(d.DataPoints)
	case metricdata.Histogram[int64]:
		em.value, em.at, ok = histPoints(d.DataPoints)
	case metricdata.Histogram[float64]:
		em.value, em.at, ok = histPoints(d.DataPoints)
	case metricdata.ExponentialHistogram[int64]:
		em.value, em.at, ok = expHistPoints(d.DataPoints)
	case metricdata.ExponentialHistogram[float64]:
		em.value, em.at, ok = expHistPoints(d.DataPoints)
	}
	return em, ok
}

func sumPoints[N int64 | float64](dps []metricdata.DataPoint[N]) (any, time.Time, bool) {
	var total N
	var at time.Time
	for _, dp := range dps {
		total += dp.Value
		at = later(at, dp.Time)
	}
	return total, at, len(dps) > 0
}

func lastPoint[N int64 | float64](dps []metricdata.DataPoint[N]) (any, time.Time, bool) {
	if len(dps) == 0 {
		return nil, time.Time{}, false
	}
	last := dps[0]
	for _, dp := range dps[1:] {
		if dp.Time.After(last.Time) {
			last = dp
		}
	}
	return last.Value, last.Time, true
}

func histPoints[N int64 | float64](dps []metricdata.HistogramDataPoint[N]) (any, time.Time, bool) {
	var s statSet
	var at time.Time
	for _, dp := range dps {
		s.Sum += float64(dp.Sum)
		s.Count += dp.Count
		mergeExtrema(&s, dp.Min, dp.Max)
		at = later(at, dp.Time)
	}
	return s, at, len(dps) > 0
}

func expHistPoints[N int64 | float64](dps []metricdata.ExponentialHistogramDataPoint[N]) (any, time.Time, bool) {
	var s statSet
	var at time.Time
	for _, dp := range dps {
		s.Sum += float64(dp.Sum)
		s.Count += dp.Count
		mergeExtrema(&s, dp.Min, dp.Max)
		at = later(at, dp.Time)
	}
	return s, at, len(dps) > 0
}

func mergeExtrema[N int64 | float64](s *statSet, lo, hi metricdata.Extrema[N]) {
	if v, ok := lo.Value(); ok {
		f := float64(v)
		if s.Min == nil {
			s.Min = &f
		} else {
			*s.Min = math.Min(*s.Min, f)
		}
	}
	if v, ok := hi.Value(); ok {
		f := float64(v)
		if s.Max == nil {
			s.Max = &f
		} else {
			*s.Max = math.Max(*s.Max, f)
		}
	}
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// emfUnit maps a UCUM instrument unit to a CloudWatch unit (see
// EMFExporter).
func emfUnit(u string) string {
	switch u {
	case "By":
		return "Bytes"
	case "ms":
		return "Milliseconds"
	case "s":
		return "Seconds"
	case "us":
		return "Microseconds"
	case "%":
		return "Percent"
	case "1", "":
		return "Count"
	}
	if strings.HasPrefix(u, "{") && strings.HasSuffix(u, "}") {
		return "Count"
	}
	return "None"
}
