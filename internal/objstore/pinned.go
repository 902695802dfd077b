package objstore

import (
	"context"

	"github.com/batonrun/baton/events"
)

// RangeReader reads byte ranges of one pinned object version.
type RangeReader interface {
	ReadRange(ctx context.Context, obj events.ObjectRef, offsetBytes, lengthBytes int64) ([]byte, error)
}

// hitReader is a RangeReader that also says whether a read was served from
// a warm cache (cache.Cache).
type hitReader interface {
	ReadRangeHit(ctx context.Context, obj events.ObjectRef, offsetBytes, lengthBytes int64) ([]byte, bool, error)
}

// Pinned is one object version seen as a plain byte source, the shape
// record.Source asks for: every read goes to Store for exactly Object.
// Hits counts reads a warm cache served. Not safe for concurrent use.
type Pinned struct {
	Store  RangeReader
	Object events.ObjectRef
	Hits   int64
}

// ReadRange returns bytes [offsetBytes, offsetBytes+lengthBytes) of the
// pinned object, with the errors of Store.ReadRange (ErrObjectChanged when
// the object was replaced).
func (p *Pinned) ReadRange(ctx context.Context, offsetBytes, lengthBytes int64) ([]byte, error) {
	hr, ok := p.Store.(hitReader)
	if !ok {
		return p.Store.ReadRange(ctx, p.Object, offsetBytes, lengthBytes)
	}
	b, hit, err := hr.ReadRangeHit(ctx, p.Object, offsetBytes, lengthBytes)
	if hit {
		p.Hits++
	}
	return b, err
}
