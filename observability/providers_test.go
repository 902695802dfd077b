package observability

import (
	"context"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	lambdadetector "go.opentelemetry.io/contrib/detectors/aws/lambda"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"
)

func TestValidate(t *testing.T) {
	cases := []struct {
		name string
		o    Options
		want []string // substrings of the error; nil = valid
	}{
		{"zero", Options{}, nil},
		{"otlp default", Options{Exporter: ExporterOTLP}, nil},
		{"file", Options{Exporter: ExporterFile, FilePath: filepath.Join(t.TempDir(), "x.jsonl")}, nil},
		{"file without path", Options{Exporter: ExporterFile}, []string{"needs FilePath"}},
		{"unknown and bad endpoint", Options{Exporter: "xray", OTLPEndpoint: "localhost:4318"}, []string{`unknown exporter "xray"`, `"localhost:4318"`}},
		{"ftp endpoint", Options{OTLPEndpoint: "ftp://h"}, []string{"http:// or https://"}},
	}
	for _, c := range cases {
		err := c.o.Validate()
		if (err == nil) != (c.want == nil) {
			t.Errorf("%s: Validate() = %v", c.name, err)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %v does not mention %q", c.name, err, w)
			}
		}
		if _, nerr := New(context.Background(), c.o); (nerr == nil) != (c.want == nil) && c.o.Exporter != ExporterFile {
			t.Errorf("%s: New error %v disagrees with Validate", c.name, nerr)
		}
	}
}

// TestXRayTraceIDs checks that root spans get X-Ray compatible trace ids:
// the first 8 hex digits are the start time in unix seconds.
func TestXRayTraceIDs(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	p, err := New(context.Background(), Options{SpanExporter: exp, Getenv: fixedEnv(nil)})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for range 20 {
		_, s := p.TracerProvider().Tracer("t").Start(context.Background(), "root")
		s.End()
		id := s.SpanContext().TraceID().String()
		secs, err := strconv.ParseInt(id[:8], 16, 64)
		if err != nil {
			t.Fatal(err)
		}
		if d := time.Since(time.Unix(secs, 0)); d < -time.Minute || d > time.Minute {
			t.Errorf("trace id %s: time prefix %v is %v from now", id, time.Unix(secs, 0), d)
		}
		if seen[id] {
			t.Errorf("trace id %s repeated", id)
		}
		seen[id] = true
	}
	if got := len(exp.GetSpans()); got != 20 {
		t.Errorf("exported %d spans, want 20", got)
	}
}

// TestLambdaResource compares the resource with what the upstream Lambda
// detector reports for the same environment.
func TestLambdaResource(t *testing.T) {
	env := map[string]string{
		"AWS_LAMBDA_FUNCTION_NAME":        "baton-worker",
		"AWS_REGION":                      "eu-west-1",
		"AWS_LAMBDA_FUNCTION_VERSION":     "$LATEST",
		"AWS_LAMBDA_LOG_STREAM_NAME":      "2026/11/29/[$LATEST]abc",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024",
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
	want, err := lambdadetector.NewResourceDetector().Detect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	exp := tracetest.NewInMemoryExporter()
	p, err := New(context.Background(), Options{SpanExporter: exp, Getenv: fixedEnv(env)})
	if err != nil {
		t.Fatal(err)
	}
	_, s := p.TracerProvider().Tracer("t").Start(context.Background(), "x")
	s.End()
	got := exp.GetSpans()[0].Resource
	for _, kv := range want.Attributes() {
		if v, ok := got.Set().Value(kv.Key); !ok || v != kv.Value {
			t.Errorf("resource %s = %v, want %v", kv.Key, v.Emit(), kv.Value.Emit())
		}
	}
	if v, _ := got.Set().Value("service.name"); v.AsString() != "baton-worker" {
		t.Errorf("service.name = %q, want the function name", v.AsString())
	}
	// Outside Lambda: no cloud attributes, default service name.
	p2, err := New(context.Background(), Options{SpanExporter: exp, Getenv: fixedEnv(nil)})
	if err != nil {
		t.Fatal(err)
	}
	_, s2 := p2.TracerProvider().Tracer("t").Start(context.Background(), "y")
	s2.End()
	r2 := exp.GetSpans()[1].Resource.Set()
	if _, ok := r2.Value("cloud.provider"); ok {
		t.Error("cloud.provider set outside Lambda")
	}
	if v, _ := r2.Value("service.name"); v.AsString() != DefaultServiceName {
		t.Errorf("service.name = %q", v.AsString())
	}
}

// otlpReceiver is a real OTLP/HTTP endpoint decoding each request.
type otlpReceiver struct {
	mu    sync.Mutex
	names []string
	paths []string
}

func (r *otlpReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	var msg collectortrace.ExportTraceServiceRequest
	if err := proto.Unmarshal(body, &msg); err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.paths = append(r.paths, req.URL.Path)
	for _, rs := range msg.ResourceSpans {
		for _, ss := range rs.ScopeSpans {
			for _, s := range ss.Spans {
				r.names = append(r.names, s.Name+"/"+hex.EncodeToString(s.SpanId))
			}
		}
	}
	w.Header().Set("Content-Type", "application/x-protobuf")
	out, _ := proto.Marshal(&collectortrace.ExportTraceServiceResponse{})
	_, _ = w.Write(out)
}

// TestOTLPForceFlushExportsAll ends spans through the batch processor and
// checks that a single ForceFlush (no Shutdown) delivers every one of them
// to a real OTLP/HTTP receiver under <endpoint>/v1/traces.
func TestOTLPForceFlushExportsAll(t *testing.T) {
	recv := &otlpReceiver{}
	srv := httptest.NewServer(recv)
	defer srv.Close()
	ctx := context.Background()
	p, err := New(ctx, Options{Exporter: ExporterOTLP, OTLPEndpoint: srv.URL + "/base/", Getenv: fixedEnv(nil)})
	if err != nil {
		t.Fatal(err)
	}
	const n = 3000 // more than one default batch (512)
	var want []string
	tr := p.TracerProvider().Tracer("t")
	for i := range n {
		name := "span-" + strconv.Itoa(i)
		_, s := tr.Start(ctx, name)
		s.End()
		want = append(want, name+"/"+s.SpanContext().SpanID().String())
	}
	if err := p.ForceFlush(ctx); err != nil {
		t.Fatal(err)
	}
	recv.mu.Lock()
	got := append([]string(nil), recv.names...)
	paths := append([]string(nil), recv.paths...)
	recv.mu.Unlock()
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("receiver got %d spans, want %d", len(got), len(want))
	}
	for _, path := range paths {
		if path != "/base/v1/traces" {
			t.Errorf("request path %q, want /base/v1/traces", path)
		}
	}
}

// TestNop checks the defaults record nothing and flush cleanly.
func TestNop(t *testing.T) {
	p := Nop()
	ctx, s := p.TracerProvider().Tracer("t").Start(context.Background(), "x")
	if s.SpanContext().IsValid() || s.IsRecording() {
		t.Error("Nop span is valid or recording")
	}
	c, _ := p.MeterProvider().Meter("m").Int64Counter("c")
	c.Add(ctx, 1, metric.WithAttributes(attribute.String("a", "b")))
	if err := p.ForceFlush(ctx); err != nil {
		t.Error(err)
	}
}

// The fan-in links every range's final span: thousands of links must
// survive (the SDK's default limit keeps 128).
func TestManyLinksAreKept(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	p, err := New(context.Background(), Options{SpanExporter: exp, Getenv: fixedEnv(nil)})
	if err != nil {
		t.Fatal(err)
	}
	tr := p.TracerProvider().Tracer("t")
	var links []trace.Link
	for range 3000 {
		_, s := tr.Start(context.Background(), "range")
		links = append(links, trace.Link{SpanContext: s.SpanContext()})
		s.End()
	}
	_, fanin := tr.Start(context.Background(), "fanin", trace.WithLinks(links...))
	fanin.End()
	spans := exp.GetSpans()
	last := spans[len(spans)-1]
	if len(last.Links) != 3000 || last.DroppedLinks != 0 {
		t.Fatalf("fan-in kept %d links, dropped %d", len(last.Links), last.DroppedLinks)
	}
}
