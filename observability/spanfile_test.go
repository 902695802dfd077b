package observability

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

func fixedEnv(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// TestFileExporterRoundTrip ends spans under New with the file exporter and
// reads them back with ReadSpanFile, comparing with the spans' own contexts.
func TestFileExporterRoundTrip(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "traces", "job.jsonl")
	p, err := New(ctx, Options{ServiceName: "splitter", Exporter: ExporterFile, FilePath: path, Getenv: fixedEnv(nil)})
	if err != nil {
		t.Fatal(err)
	}
	tr := p.TracerProvider().Tracer("test")
	rctx, root := tr.Start(ctx, "baton.split", trace.WithAttributes(attribute.String("baton.job.id", "j1"), attribute.Int64("baton.range.count", 3)))
	_, child := tr.Start(rctx, "baton.range", trace.WithLinks(trace.Link{SpanContext: root.SpanContext()}))
	child.SetAttributes(attribute.Int("baton.range.index", 2), attribute.Bool("b", true), attribute.Float64("f", 0.5), attribute.StringSlice("ss", []string{"x", "y"}))
	child.RecordError(errors.New("boom"))
	child.SetStatus(codes.Error, "range failed")
	child.End()
	root.End()
	// Synchronous processor: the spans are in the file before any flush.
	recs, err := ReadSpanFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 {
		t.Fatalf("read %d spans, want 2", len(recs))
	}
	c, r := recs[0], recs[1]
	if c.Name != "baton.range" || r.Name != "baton.split" {
		t.Fatalf("names %q, %q", c.Name, r.Name)
	}
	rsc, csc := root.SpanContext(), child.SpanContext()
	if r.TraceID != rsc.TraceID().String() || r.SpanID != rsc.SpanID().String() || r.ParentSpanID != "" {
		t.Errorf("root ids %s/%s parent %q, want %s/%s and none", r.TraceID, r.SpanID, r.ParentSpanID, rsc.TraceID(), rsc.SpanID())
	}
	if c.TraceID != csc.TraceID().String() || c.SpanID != csc.SpanID().String() || c.ParentSpanID != r.SpanID {
		t.Errorf("child ids %s/%s parent %s", c.TraceID, c.SpanID, c.ParentSpanID)
	}
	if len(c.Links) != 1 || c.Links[0] != (SpanLink{TraceID: r.TraceID, SpanID: r.SpanID}) {
		t.Errorf("links %+v", c.Links)
	}
	if r.Attributes["baton.job.id"] != "j1" || r.Attributes["baton.range.count"] != int64(3) {
		t.Errorf("root attributes %#v", r.Attributes)
	}
	if c.Attributes["baton.range.index"] != int64(2) || c.Attributes["b"] != true || c.Attributes["f"] != 0.5 {
		t.Errorf("child attributes %#v", c.Attributes)
	}
	if ss, _ := c.Attributes["ss"].([]string); len(ss) != 2 || ss[1] != "y" {
		t.Errorf("string slice %#v", c.Attributes["ss"])
	}
	if c.StatusCode != "Error" || c.StatusDescription != "range failed" || r.StatusCode != "Unset" {
		t.Errorf("status %q %q / %q", c.StatusCode, c.StatusDescription, r.StatusCode)
	}
	if len(c.Events) != 1 || c.Events[0].Name != "exception" || c.Events[0].Attributes["exception.message"] != "boom" {
		t.Errorf("events %+v", c.Events)
	}
	if r.Service != "splitter" {
		t.Errorf("service %q", r.Service)
	}
	if !r.Start.Before(r.End) || c.Start.Before(r.Start) || c.End.After(r.End) {
		t.Errorf("times root %v..%v child %v..%v", r.Start, r.End, c.Start, c.End)
	}
}

// TestSpanFileAppendsAcrossProviders checks that two providers (as two
// processes would) append concurrently to one file without tearing lines.
func TestSpanFileAppendsAcrossProviders(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "shared.jsonl")
	want := map[string]bool{}
	var ps []*Providers
	for range 2 {
		p, err := New(ctx, Options{Exporter: ExporterFile, FilePath: path, Getenv: fixedEnv(nil)})
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	done := make(chan []string)
	for _, p := range ps {
		go func() {
			var ids []string
			for range 200 {
				_, s := p.TracerProvider().Tracer("t").Start(ctx, "s", trace.WithAttributes(attribute.String("pad", strings.Repeat("p", 300))))
				s.End()
				ids = append(ids, s.SpanContext().SpanID().String())
			}
			done <- ids
		}()
	}
	for range ps {
		for _, id := range <-done {
			want[id] = true
		}
	}
	for _, p := range ps {
		if err := p.Close(ctx); err != nil {
			t.Fatal(err)
		}
	}
	recs, err := ReadSpanFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(want) {
		t.Fatalf("read %d spans, want %d", len(recs), len(want))
	}
	for _, r := range recs {
		if !want[r.SpanID] {
			t.Errorf("unexpected span %s", r.SpanID)
		}
	}
}

func TestReadSpanFileErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadSpanFile(filepath.Join(dir, "missing.jsonl")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	bad := filepath.Join(dir, "bad.jsonl")
	good := `{"Name":"a","SpanContext":{"TraceID":"01","SpanID":"02"}}`
	if err := os.WriteFile(bad, []byte(good+"\n\n"+good+"\n{\"Name\":\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadSpanFile(bad); err == nil || !strings.Contains(err.Error(), "line 4") {
		t.Errorf("malformed line: %v, want it to name line 4", err)
	}
	if err := os.WriteFile(bad, []byte(`{"Name":"noids"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadSpanFile(bad); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("span without ids: %v", err)
	}
	// A last line cut short (no newline: its writer was killed) is skipped.
	if err := os.WriteFile(bad, []byte(good+"\n"+good+"\n"+`{"Name":"b","SpanCon`), 0o644); err != nil {
		t.Fatal(err)
	}
	if recs, err := ReadSpanFile(bad); err != nil || len(recs) != 2 {
		t.Errorf("truncated last line: %d spans, %v; want 2 and no error", len(recs), err)
	}
}
