package observability

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"go.opentelemetry.io/otel/trace"
)

// NewLogger returns a logger whose lines are Lambda's JSON log format: one
// JSON object per line with "timestamp" (RFC 3339 with nanoseconds, UTC),
// "level" (DEBUG, INFO, WARN, ERROR), "message", then "trace_id" and
// "span_id" (lowercase hex) when ctx holds a valid span, then the logger's
// and the record's attributes (groups become nested objects). level nil
// means INFO. Each line is one Write to w; safe for concurrent use.
func NewLogger(w io.Writer, level slog.Leveler) *slog.Logger {
	return slog.New(NewHandler(w, level))
}

// NewHandler returns the slog.Handler behind NewLogger.
func NewHandler(w io.Writer, level slog.Leveler) slog.Handler {
	if level == nil {
		level = slog.LevelInfo
	}
	return &lambdaHandler{w: w, mu: &sync.Mutex{}, level: level}
}

// lambdaHandler is immutable after construction; With* return copies.
type lambdaHandler struct {
	w     io.Writer
	mu    *sync.Mutex // shared by handlers derived with With*
	level slog.Leveler
	steps []step // WithAttrs and WithGroup calls, in order
}

// step is one WithGroup (group != "") or WithAttrs call.
type step struct {
	group string
	attrs []slog.Attr
}

func (h *lambdaHandler) Enabled(_ context.Context, l slog.Level) bool {
	return l >= h.level.Level()
}

func (h *lambdaHandler) WithAttrs(as []slog.Attr) slog.Handler {
	if len(as) == 0 {
		return h
	}
	return h.with(step{attrs: as})
}

func (h *lambdaHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	return h.with(step{group: name})
}

func (h *lambdaHandler) with(s step) *lambdaHandler {
	h2 := *h
	h2.steps = append(append([]step(nil), h.steps...), s)
	return &h2
}

// kv is one member of an ordered JSON object; val is a JSON-encodable
// value or an obj.
type (
	kv struct {
		key string
		val any
	}
	obj []kv
)

func (h *lambdaHandler) Handle(ctx context.Context, r slog.Record) error {
	t := r.Time
	if t.IsZero() {
		t = time.Now()
	}
	top := obj{
		{"timestamp", t.UTC().Format(time.RFC3339Nano)},
		{"level", r.Level.String()},
		{"message", r.Message},
	}
	if sc := trace.SpanFromContext(ctx).SpanContext(); sc.IsValid() {
		top = append(top, kv{"trace_id", sc.TraceID().String()}, kv{"span_id", sc.SpanID().String()})
	}
	var recAttrs []slog.Attr
	r.Attrs(func(a slog.Attr) bool { recAttrs = append(recAttrs, a); return true })
	top = append(top, h.nest(0, recAttrs)...)
	b := encodeObj(nil, top)
	b = append(b, '\n')
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := h.w.Write(b)
	return err
}

// nest builds the members from steps[i:] followed by the record's attrs;
// each group step nests everything after it. Empty groups are dropped.
func (h *lambdaHandler) nest(i int, rec []slog.Attr) obj {
	var out obj
	for ; i < len(h.steps); i++ {
		s := h.steps[i]
		if s.group == "" {
			out = appendAttrs(out, s.attrs)
			continue
		}
		if inner := h.nest(i+1, rec); len(inner) > 0 {
			out = append(out, kv{s.group, inner})
		}
		return out
	}
	return appendAttrs(out, rec)
}

func appendAttrs(out obj, as []slog.Attr) obj {
	for _, a := range as {
		out = appendAttr(out, a)
	}
	return out
}

// appendAttr follows slog's rules: values resolved, empty attrs dropped,
// groups nested (inlined when their key is empty, dropped when empty).
func appendAttr(out obj, a slog.Attr) obj {
	a.Value = a.Value.Resolve()
	if a.Equal(slog.Attr{}) {
		return out
	}
	if a.Value.Kind() == slog.KindGroup {
		inner := appendAttrs(nil, a.Value.Group())
		if len(inner) == 0 {
			return out
		}
		if a.Key == "" {
			return append(out, inner...)
		}
		return append(out, kv{a.Key, inner})
	}
	return append(out, kv{a.Key, jsonValue(a.Value)})
}

// jsonValue converts a resolved non-group slog.Value to a JSON-encodable
// value the way slog.JSONHandler does (durations in nanoseconds, errors as
// their message, json.Marshalers as themselves).
func jsonValue(v slog.Value) any {
	switch v.Kind() {
	case slog.KindString:
		return v.String()
	case slog.KindInt64:
		return v.Int64()
	case slog.KindUint64:
		return v.Uint64()
	case slog.KindFloat64:
		return v.Float64()
	case slog.KindBool:
		return v.Bool()
	case slog.KindDuration:
		return v.Duration().Nanoseconds()
	case slog.KindTime:
		return v.Time().Format(time.RFC3339Nano)
	}
	a := v.Any()
	if _, ok := a.(json.Marshaler); ok {
		return a
	}
	if err, ok := a.(error); ok {
		return err.Error()
	}
	return a
}

// encodeObj appends o as a JSON object; a value that does not marshal is
// written as its %+v string.
func encodeObj(b []byte, o obj) []byte {
	b = append(b, '{')
	for i, m := range o {
		if i > 0 {
			b = append(b, ',')
		}
		k, _ := json.Marshal(m.key)
		b = append(b, k...)
		b = append(b, ':')
		if inner, ok := m.val.(obj); ok {
			b = encodeObj(b, inner)
			continue
		}
		v, err := json.Marshal(m.val)
		if err != nil {
			v, _ = json.Marshal(fmt.Sprintf("%+v", m.val))
		}
		b = append(b, v...)
	}
	return append(b, '}')
}
