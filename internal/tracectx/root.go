package tracectx

import (
	"context"
	"time"
)

// rootSeedKey is the context key of a root seed.
type rootSeedKey struct{}

// RootSeed asks the ID generator (observability's) for a trace id derived
// from Seed and At instead of a random one, when the next span started
// from the context is a new root. Redeliveries of the event that starts a
// job then put their spans in the same trace.
type RootSeed struct {
	Seed string
	// At is the time the id's X-Ray epoch prefix is taken from.
	At time.Time
}

// WithRootSeed returns ctx carrying seed.
func WithRootSeed(ctx context.Context, seed RootSeed) context.Context {
	return context.WithValue(ctx, rootSeedKey{}, seed)
}

// RootSeedFrom returns the seed ctx carries, if any.
func RootSeedFrom(ctx context.Context) (RootSeed, bool) {
	s, ok := ctx.Value(rootSeedKey{}).(RootSeed)
	return s, ok && s.Seed != ""
}
