package observability

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/batonrun/baton/internal/awstest"
)

func TestMain(m *testing.M) { awstest.Main(m) }

// headerRecorder is an HTTP client that records the trace headers of each
// request it sends to the real server.
type headerRecorder struct {
	mu      sync.Mutex
	headers []http.Header
}

func (h *headerRecorder) Do(r *http.Request) (*http.Response, error) {
	h.mu.Lock()
	h.headers = append(h.headers, r.Header.Clone())
	h.mu.Unlock()
	return http.DefaultClient.Do(r)
}

// TestInstrumentAWS makes real S3 calls against moto and checks each became
// a child span of the caller's span, with the trace context in the request.
func TestInstrumentAWS(t *testing.T) {
	cfg := awstest.Config(awstest.Moto(t))
	rec := &headerRecorder{}
	cfg.HTTPClient = rec
	exp := tracetest.NewInMemoryExporter()
	p, err := New(context.Background(), Options{SpanExporter: exp, Getenv: fixedEnv(nil)})
	if err != nil {
		t.Fatal(err)
	}
	InstrumentAWS(&cfg, p.TracerProvider(), p.Propagator())
	client := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })

	ctx, parent := p.TracerProvider().Tracer("t").Start(context.Background(), "baton.split")
	bucket := "observability-instrument-aws"
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("k"), Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}
	parent.End()
	if err := p.ForceFlush(ctx); err != nil {
		t.Fatal(err)
	}
	psc := parent.SpanContext()
	var calls []string
	for _, s := range exp.GetSpans() {
		if s.Name == "baton.split" {
			continue
		}
		calls = append(calls, s.Name)
		if s.Parent.SpanID() != psc.SpanID() || s.SpanContext.TraceID() != psc.TraceID() || s.SpanKind != trace.SpanKindClient {
			t.Errorf("span %s: parent %s kind %v, want child of %s (client)", s.Name, s.Parent.SpanID(), s.SpanKind, psc.SpanID())
		}
	}
	if strings.Join(calls, ",") != "S3.CreateBucket,S3.PutObject" {
		t.Errorf("AWS spans %v, want S3.CreateBucket,S3.PutObject", calls)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.headers) < 2 {
		t.Fatalf("%d requests recorded", len(rec.headers))
	}
	for _, h := range rec.headers {
		got := trace.SpanContextFromContext(p.Propagator().Extract(context.Background(), propagation.HeaderCarrier(h)))
		if got.TraceID() != psc.TraceID() {
			t.Errorf("request carried trace %s, want %s (headers %v)", got.TraceID(), psc.TraceID(), h)
		}
	}
}
