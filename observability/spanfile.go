package observability

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// openSpanFile opens path for appending (creating it and its parent
// directories) and returns a stdouttrace exporter writing one compact JSON
// span per line to it. Each span is one write to an O_APPEND file, so
// several processes may append to the same file.
func openSpanFile(path string) (*os.File, sdktrace.SpanExporter, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, nil, fmt.Errorf("observability: span file directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, nil, fmt.Errorf("observability: opening span file: %w", err)
	}
	exp, err := stdouttrace.New(stdouttrace.WithWriter(f))
	if err != nil {
		_ = f.Close()
		return nil, nil, fmt.Errorf("observability: span file exporter: %w", err)
	}
	return f, exp, nil
}

// SpanLink is one span link read back from a span file: the linked span's
// ids as lowercase hex (32 and 16 digits).
type SpanLink struct {
	TraceID string
	SpanID  string
}

// SpanEvent is one span event (for example "exception" from RecordError).
type SpanEvent struct {
	Name       string
	Time       time.Time
	Attributes map[string]any
}

// SpanRecord is one span read back from a span file.
//
// Ids are lowercase hex; ParentSpanID is "" for a root span (a remote parent
// from an event still counts as a parent). Attributes map each key to
// string, bool, int64, float64, or a slice of those ([]string, []bool,
// []int64, []float64); other attribute types (bytes, maps, mixed slices)
// come back as encoding/json decodes them into any. StatusCode is "Unset", "Error" or "Ok". Service is
// the resource's service.name.
type SpanRecord struct {
	Name              string
	TraceID           string
	SpanID            string
	ParentSpanID      string
	Start             time.Time
	End               time.Time
	Attributes        map[string]any
	Links             []SpanLink
	Events            []SpanEvent
	StatusCode        string
	StatusDescription string
	Service           string
}

// Duration is End - Start.
func (r SpanRecord) Duration() time.Duration { return r.End.Sub(r.Start) }

// ReadSpanFile reads every span in a span file written by the "file"
// exporter, in file order (the order spans ended, per process). It is the
// single reader of that format. Blank lines are skipped; a malformed line
// is an error naming its line number, except a final line without its
// newline, which a process killed while writing leaves behind and which is
// skipped. A missing file returns an error wrapping fs.ErrNotExist.
func ReadSpanFile(path string) ([]SpanRecord, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading span file: %w", err)
	}
	lines := bytes.Split(data, []byte("\n"))
	var out []SpanRecord
	for i, b := range lines {
		if len(trimSpace(b)) == 0 {
			continue
		}
		rec, err := parseSpanLine(b)
		if err != nil {
			if i == len(lines)-1 { // no newline after it: cut short
				break
			}
			return nil, fmt.Errorf("span file %s line %d: %w", path, i+1, err)
		}
		out = append(out, rec)
	}
	return out, nil
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// The stdouttrace (tracetest.SpanStub) JSON shape, as far as it is read.
type (
	stubContext struct {
		TraceID string
		SpanID  string
	}
	stubAttr struct {
		Key   string
		Value struct {
			Type  string
			Value json.RawMessage
		}
	}
	stubSpan struct {
		Name        string
		SpanContext stubContext
		Parent      stubContext
		StartTime   time.Time
		EndTime     time.Time
		Attributes  []stubAttr
		Links       []struct{ SpanContext stubContext }
		Events      []struct {
			Name       string
			Time       time.Time
			Attributes []stubAttr
		}
		Status struct {
			Code        string
			Description string
		}
		Resource []stubAttr
	}
)

const zeroSpanID = "0000000000000000"

func parseSpanLine(b []byte) (SpanRecord, error) {
	var s stubSpan
	if err := json.Unmarshal(b, &s); err != nil {
		return SpanRecord{}, err
	}
	if s.SpanContext.TraceID == "" || s.SpanContext.SpanID == "" {
		return SpanRecord{}, fmt.Errorf("span %q has no trace or span id", s.Name)
	}
	attrs, err := decodeAttrs(s.Attributes)
	if err != nil {
		return SpanRecord{}, fmt.Errorf("span %q: %w", s.Name, err)
	}
	res, err := decodeAttrs(s.Resource)
	if err != nil {
		return SpanRecord{}, fmt.Errorf("span %q resource: %w", s.Name, err)
	}
	rec := SpanRecord{
		Name: s.Name, TraceID: s.SpanContext.TraceID, SpanID: s.SpanContext.SpanID,
		Start: s.StartTime, End: s.EndTime, Attributes: attrs,
		StatusCode: s.Status.Code, StatusDescription: s.Status.Description,
	}
	if p := s.Parent.SpanID; p != "" && p != zeroSpanID {
		rec.ParentSpanID = p
	}
	rec.Service, _ = res["service.name"].(string)
	for _, l := range s.Links {
		rec.Links = append(rec.Links, SpanLink{TraceID: l.SpanContext.TraceID, SpanID: l.SpanContext.SpanID})
	}
	for _, e := range s.Events {
		ea, err := decodeAttrs(e.Attributes)
		if err != nil {
			return SpanRecord{}, fmt.Errorf("span %q event %q: %w", s.Name, e.Name, err)
		}
		rec.Events = append(rec.Events, SpanEvent{Name: e.Name, Time: e.Time, Attributes: ea})
	}
	return rec, nil
}

// decodeAttrs maps attribute.Value's JSON (Type + Value) to Go values.
func decodeAttrs(in []stubAttr) (map[string]any, error) {
	out := make(map[string]any, len(in))
	for _, a := range in {
		v, err := decodeValue(a.Value.Type, a.Value.Value)
		if err != nil {
			return nil, fmt.Errorf("attribute %q: %w", a.Key, err)
		}
		out[a.Key] = v
	}
	return out, nil
}

func decodeValue(typ string, raw json.RawMessage) (any, error) {
	switch typ {
	case "STRING":
		return decodeAs[string](raw)
	case "BOOL":
		return decodeAs[bool](raw)
	case "INT64":
		return decodeAs[int64](raw)
	case "FLOAT64":
		return decodeAs[float64](raw)
	case "STRINGSLICE":
		return decodeAs[[]string](raw)
	case "BOOLSLICE":
		return decodeAs[[]bool](raw)
	case "INT64SLICE":
		return decodeAs[[]int64](raw)
	case "FLOAT64SLICE":
		return decodeAs[[]float64](raw)
	case "EMPTY":
		return nil, nil
	}
	// BYTESLICE, SLICE, MAP and future types: their JSON as decoded by
	// encoding/json into any.
	return decodeAs[any](raw)
}

func decodeAs[T any](raw json.RawMessage) (any, error) {
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	return v, nil
}
