package observability

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/batonrun/baton/internal/tracectx"
)

// Root spans started with the same seed share a trace id whose X-Ray epoch
// prefix is the seed's time; other seeds, and no seed, give other ids.
func TestSeededRootTraceIDs(t *testing.T) {
	p, err := New(context.Background(), Options{SpanExporter: tracetest.NewInMemoryExporter(), Getenv: fixedEnv(nil)})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	root := func(seed string) string {
		ctx := context.Background()
		if seed != "" {
			ctx = tracectx.WithRootSeed(ctx, tracectx.RootSeed{Seed: seed, At: at})
		}
		_, s := p.TracerProvider().Tracer("t").Start(ctx, "split")
		defer s.End()
		return s.SpanContext().TraceID().String()
	}
	a, b, other, none := root("job-1"), root("job-1"), root("job-2"), root("")
	if a != b || a == other || a == none {
		t.Fatalf("trace ids: job-1 %s and %s, job-2 %s, unseeded %s", a, b, other, none)
	}
	if want := fmt.Sprintf("%08x", at.Unix()); a[:8] != want { // X-Ray: epoch seconds, 8 hex digits
		t.Errorf("X-Ray epoch prefix %s, want %s", a[:8], want)
	}
}
