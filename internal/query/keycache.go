package query

import "math"

// shortKeys maps packed short texts (packText) to group indexes: a map,
// with a direct-mapped cache of recent lookups in front of it. A group key
// of few distinct values (airport codes, status words) then costs one
// multiply and one compare per record instead of a map lookup. The map is
// the truth; the cache only holds pairs the map returned.
type shortKeys struct {
	m     map[uint64]int
	cache [shortCacheSize]shortEntry
}

// shortCacheSize is the cache's number of entries (a power of two; 16 KiB).
const shortCacheSize = 1 << 10

type shortEntry struct {
	key   uint64
	group int64 // the group index + 1; 0 means empty
}

func newShortKeys() *shortKeys { return &shortKeys{m: map[uint64]int{}} }

// get returns the group of packed key p.
func (s *shortKeys) get(p uint64) (int, bool) {
	e := &s.cache[(p*0x9E3779B97F4A7C15)>>(64-10)] // Fibonacci hashing: top 10 bits
	if e.key == p && e.group > 0 {
		return int(e.group - 1), true
	}
	gi, ok := s.m[p]
	if ok && gi < math.MaxInt64 {
		e.key, e.group = p, int64(gi)+1
	}
	return gi, ok
}

// put records that packed key p is group gi.
func (s *shortKeys) put(p uint64, gi int) { s.m[p] = gi }
