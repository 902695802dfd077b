package tracereport

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

func stringAttr(attrs map[string]any, key string) string {
	s, _ := attrs[key].(string)
	return s
}

// intAttr reads an integer attribute stored as any Go integer, an integral
// float64 (JSON decoding) or a json.Number.
func intAttr(attrs map[string]any, key string) (int, bool) {
	switch v := attrs[key].(type) {
	case int:
		return v, true
	case int64:
		return int(v), true
	case int32:
		return int(v), true
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return int(v), true
		}
	case json.Number:
		n, err := v.Int64()
		return int(n), err == nil
	}
	return 0, false
}

// AttributeLines formats an invocation's name, timing, gap and attributes,
// one "key: value" per line with attribute keys sorted: the hover text.
func AttributeLines(inv Invocation) []string {
	lines := []string{
		inv.Name + " " + inv.SpanID,
		"outcome: " + string(inv.Outcome),
		"duration: " + FormatDuration(inv.Duration()),
	}
	if inv.HasGap {
		lines = append(lines, "gap after publisher: "+FormatDuration(inv.Gap))
	}
	if inv.StatusCode == "Error" {
		lines = append(lines, "status: Error "+inv.StatusDescription)
	}
	keys := make([]string, 0, len(inv.Attributes))
	for k := range inv.Attributes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		lines = append(lines, fmt.Sprintf("%s: %v", k, inv.Attributes[k]))
	}
	return lines
}

// FormatDuration prints d with a unit suited to its size: 850µs, 12.3ms,
// 1.25s. Negative durations keep their sign.
func FormatDuration(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	var s string
	switch {
	case d < time.Millisecond:
		s = fmt.Sprintf("%dµs", d.Microseconds())
	case d < 10*time.Millisecond:
		s = fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
	case d < time.Second:
		s = fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
	default:
		s = fmt.Sprintf("%.3gs", d.Seconds())
		if d >= 1000*time.Second {
			s = d.Round(time.Second).String()
		}
	}
	return sign + strings.TrimSpace(s)
}
