package wiring

import (
	"context"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/aws/aws-lambda-go/lambda"
	"go.opentelemetry.io/contrib/propagators/aws/xray"

	"github.com/batonrun/baton/internal/ledger"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func awsEnv() map[string]string {
	return map[string]string{
		"BATON_TABLE": "tbl", "BATON_EVENT_BUS": "b", "BATON_PAYLOAD_BUCKET": "p",
		"AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y",
	}
}

// Every problem is reported at once, each naming its variable.
func TestBadEnvironments(t *testing.T) {
	for name, tc := range map[string]struct {
		m    map[string]string
		want []string
	}{
		"aws without resources":   {map[string]string{}, []string{"BATON_TABLE", "BATON_EVENT_BUS", "BATON_PAYLOAD_BUCKET"}},
		"local without state dir": {map[string]string{"BATON_BACKEND": "local"}, []string{"BATON_STATE_DIR"}},
		"unknown backend":         {map[string]string{"BATON_BACKEND": "gcp"}, []string{`BATON_BACKEND="gcp"`}},
		"bad numbers": {map[string]string{"BATON_BACKEND": "local", "BATON_STATE_DIR": "/x", "BATON_RANGE_SIZE_BYTES": "-1",
			"BATON_BATCH_SIZE_BYTES": "1MB", "BATON_LEDGER_TTL_DAYS": "0", "BATON_S3_PATH_STYLE": "maybe", "BATON_TRACE_EXPORTER": "xray"},
			[]string{"BATON_RANGE_SIZE_BYTES", "BATON_BATCH_SIZE_BYTES", "BATON_LEDGER_TTL_DAYS", "BATON_S3_PATH_STYLE", "BATON_TRACE_EXPORTER"}},
		"file exporter without dir": {map[string]string{"BATON_BACKEND": "local", "BATON_STATE_DIR": "/x", "BATON_TRACE_EXPORTER": "file"}, []string{"BATON_TRACE_DIR"}},
	} {
		_, err := ConfigFromEnv(Splitter, env(tc.m))
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not name %s", name, err, w)
			}
		}
	}
}

func TestConfigFromEnvReadsEveryVariable(t *testing.T) {
	m := awsEnv()
	m["BATON_S3_PATH_STYLE"], m["BATON_LEDGER_TTL_DAYS"], m["BATON_UPLOAD_QUERY"] = "true", "7", "SELECT 1"
	m["BATON_RANGE_SIZE_BYTES"], m["BATON_BATCH_SIZE_BYTES"] = "1048576", "4096"
	m["BATON_ALLOWED_SOURCES"] = "input, shared/team-a/"
	m["BATON_TRACE_EXPORTER"], m["BATON_TRACE_DIR"], m["OTEL_EXPORTER_OTLP_ENDPOINT"] = "file", "/traces", "http://127.0.0.1:4318"
	c, err := ConfigFromEnv(Splitter, env(m))
	if err != nil {
		t.Fatal(err)
	}
	want := Config{Backend: "aws", Table: "tbl", EventBus: "b", PayloadBucket: "p", S3PathStyle: true, LedgerTTL: 7 * 24 * time.Hour,
		UploadQuery: "SELECT 1", RangeSizeBytes: 1 << 20, BatchSizeBytes: 4096, AllowedSources: []string{"input", "shared/team-a/"},
		TraceExporter: "file", TraceDir: "/traces", OTLPEndpoint: "http://127.0.0.1:4318"}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("config %+v, want %+v", c, want)
	}
	// The worker does not read the splitter's variables.
	if c, _ := ConfigFromEnv(Worker, env(m)); c.UploadQuery != "" || c.RangeSizeBytes != 0 || c.AllowedSources != nil {
		t.Errorf("worker read splitter-only variables: %+v", c)
	}
}

func TestEnvVarsPerFunction(t *testing.T) {
	for _, fn := range []string{Splitter, Worker, Aggregator} {
		req, opt := EnvVars(fn)
		all := strings.Join(append(req, opt...), " ")
		if strings.Join(req, " ") != "BATON_TABLE BATON_EVENT_BUS BATON_PAYLOAD_BUCKET" {
			t.Errorf("%s: required %v", fn, req)
		}
		if strings.Contains(all, "BATON_STATE_DIR") || strings.Contains(all, "BATON_UPLOAD_QUERY") != (fn == Splitter) {
			t.Errorf("%s: variables %v", fn, all)
		}
	}
}

func TestAWSBackendBuildsWithoutNetwork(t *testing.T) {
	d, err := FromEnv(context.Background(), Worker, env(awsEnv()), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if d.Store == nil || d.Ledger == nil || d.Bus == nil || d.Blobs == nil || d.Config.Table != "tbl" {
		t.Fatalf("deps %+v", d)
	}
}

func TestLocalBackendBuildsWorkingPorts(t *testing.T) {
	var got Deps
	_, err := buildFromEnv(context.Background(), Worker, env(map[string]string{"BATON_BACKEND": "local", "BATON_STATE_DIR": t.TempDir()}), io.Discard,
		func(d Deps) (lambda.Handler, error) { got = d; return nil, nil })
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := got.Ledger.Append(ctx, "j", ledger.Entry{Key: "k", DetailType: "T", Detail: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	if n, err := got.Ledger.Count(ctx, "j", ""); err != nil || n != 1 {
		t.Fatalf("count %d, %v", n, err)
	}
	if err := got.Bus.Publish(ctx); !errors.Is(err, ErrNoBus) {
		t.Fatalf("publish: %v", err)
	}
}

func TestLambdaTraceHeader(t *testing.T) {
	const h = "Root=1-6745a2b1-c0d3e4f5a6b7c8d9e0f1a2b3;Parent=a1b2c3d4e5f60718;Sampled=1"
	//lint:ignore SA1029 the key aws-lambda-go uses
	ctx := context.WithValue(context.Background(), "x-amzn-trace-id", h) //nolint:staticcheck
	if got := lambdaTraceHeader(ctx); got != h {
		t.Errorf("header %q, want %q", got, h)
	}
	if got := lambdaTraceHeader(context.Background()); got != "" {
		t.Errorf("header outside an invocation %q", got)
	}
}

// PutEvents carries the active span's trace in X-Ray's header format.
func TestTraceHeaderFromActiveSpan(t *testing.T) {
	tp := sdktrace.NewTracerProvider(sdktrace.WithIDGenerator(xray.NewIDGenerator()))
	ctx, span := tp.Tracer("t").Start(context.Background(), "s")
	defer span.End()
	sc := span.SpanContext()
	tid := sc.TraceID().String()
	want := "Root=1-" + tid[:8] + "-" + tid[8:] + ";Parent=" + sc.SpanID().String() + ";Sampled=1"
	if got := traceHeader(ctx); got != want {
		t.Errorf("header %q, want %q", got, want)
	}
}
