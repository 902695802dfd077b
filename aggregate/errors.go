package aggregate

import "errors"

// Default limits used when Limits fields are zero.
const (
	DefaultMaxGroups = 100000
	DefaultMaxRows   = 10000
)

var (
	// ErrTooManyGroups means the number of distinct group keys exceeded
	// Limits.MaxGroups. It is wrapped with the count and the limit.
	ErrTooManyGroups = errors.New("too many groups")
	// ErrTooManyRows means a projection without LIMIT produced more rows than
	// Limits.MaxRows. It is wrapped with the count and the limit.
	ErrTooManyRows = errors.New("too many rows; add a LIMIT or aggregate with GROUP BY")
	// ErrShapeMismatch means two partial results come from different queries
	// (different aggregate lists, key counts, columns or ordering).
	ErrShapeMismatch = errors.New("partial results have different shapes")
)
