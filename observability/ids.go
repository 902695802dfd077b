package observability

import (
	"context"
	"crypto/sha256"
	"encoding/binary"

	"go.opentelemetry.io/contrib/propagators/aws/xray"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/batonrun/baton/internal/tracectx"
)

// seededIDs generates X-Ray compatible ids (xray.NewIDGenerator), except
// for a root span whose context carries a tracectx.RootSeed: its trace id
// is the seed's time in epoch seconds (X-Ray's first 8 hex digits) followed
// by 12 bytes of SHA-256 of the seed, so every redelivery of a job's start
// event roots its spans in one trace.
type seededIDs struct {
	inner sdktrace.IDGenerator
}

func newIDGenerator() sdktrace.IDGenerator { return seededIDs{inner: xray.NewIDGenerator()} }

func (g seededIDs) NewIDs(ctx context.Context) (trace.TraceID, trace.SpanID) {
	tid, sid := g.inner.NewIDs(ctx)
	if seed, ok := tracectx.RootSeedFrom(ctx); ok && !seed.At.IsZero() {
		sum := sha256.Sum256([]byte(seed.Seed))
		binary.BigEndian.PutUint32(tid[:4], uint32(seed.At.Unix()))
		copy(tid[4:], sum[:12])
	}
	return tid, sid
}

func (g seededIDs) NewSpanID(ctx context.Context, traceID trace.TraceID) trace.SpanID {
	return g.inner.NewSpanID(ctx, traceID)
}
