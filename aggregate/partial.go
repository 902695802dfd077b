package aggregate

import (
	"bytes"
	"errors"
	"fmt"
	"slices"

	"github.com/batonrun/baton/internal/value"
)

// Mode says what a PartialResult holds.
type Mode string

const (
	// ModeGroups: one Group per distinct key, with one State per aggregate.
	// A query with aggregates and no GROUP BY has Keys == 0 and at most one
	// group.
	ModeGroups Mode = "groups"
	// ModeRows: projected rows with their byte offsets.
	ModeRows Mode = "rows"
)

// AggSpec names one aggregate of the query. Expr is the aggregate's text as
// the query planner renders it (for example "sum(delay)"); it only serves to
// detect partials of different queries.
type AggSpec struct {
	Func Func   `json:"func"`
	Expr string `json:"expr"`
}

// Shape describes the query a PartialResult belongs to. Two partials merge
// only when their shapes are equal.
type Shape struct {
	Mode Mode `json:"mode"`
	// Keys is the number of group-key values per group (ModeGroups).
	Keys int `json:"keys,omitempty"`
	// Aggs lists the aggregates, in State order (ModeGroups).
	Aggs []AggSpec `json:"aggs,omitempty"`
	// Columns is the number of projected values per row (ModeRows).
	Columns int `json:"columns,omitempty"`
	// Desc has one entry per ORDER BY key of a projection (ModeRows): true
	// for descending. Rows are ordered by their SortKeys, then OffsetBytes.
	Desc []bool `json:"desc,omitempty"`
	// HasLimit means only the first Keep rows in row order are kept
	// (ModeRows; Keep = LIMIT + OFFSET).
	HasLimit bool `json:"hasLimit,omitempty"`
	Keep     int  `json:"keep,omitempty"`
}

// Equal reports whether s and o describe the same query.
func (s Shape) Equal(o Shape) bool {
	return s.Mode == o.Mode && s.Keys == o.Keys && slices.Equal(s.Aggs, o.Aggs) &&
		s.Columns == o.Columns && slices.Equal(s.Desc, o.Desc) &&
		s.HasLimit == o.HasLimit && s.Keep == o.Keep
}

// Limits bound a PartialResult. Zero fields mean DefaultMaxGroups and
// DefaultMaxRows. When two partials with different limits merge, the smaller
// limit applies.
type Limits struct {
	MaxGroups int `json:"maxGroups,omitempty"`
	MaxRows   int `json:"maxRows,omitempty"`
}

func (l Limits) groups() int {
	if l.MaxGroups <= 0 {
		return DefaultMaxGroups
	}
	return l.MaxGroups
}

func (l Limits) rows() int {
	if l.MaxRows <= 0 {
		return DefaultMaxRows
	}
	return l.MaxRows
}

func (l Limits) min(o Limits) Limits {
	return Limits{MaxGroups: min(l.groups(), o.groups()), MaxRows: min(l.rows(), o.rows())}
}

// Group is one group: its key values and one State per Shape.Aggs entry.
type Group struct {
	Key    []value.Value
	States []State
}

// Row is one projected record: the record's byte offset in the object (its
// first byte, unique per record), its output values and its ORDER BY keys.
type Row struct {
	OffsetBytes int64
	Values      []value.Value
	SortKeys    []value.Value
}

// PartialResult is the mergeable result of a query over some records.
// Groups are sorted by AppendKey encoding with no duplicates; Rows are sorted
// by CompareRows. A PartialResult is not safe for concurrent mutation.
type PartialResult struct {
	Shape          Shape
	Limits         Limits
	RecordsScanned int64 // records read
	RecordsMatched int64 // records that passed WHERE
	Groups         []Group
	Rows           []Row
}

// CompareRows orders rows of shape s: by SortKeys (Desc reverses a key,
// Null sorts first ascending), then by OffsetBytes.
func (s Shape) CompareRows(a, b *Row) int {
	if c := CompareTuples(a.SortKeys, b.SortKeys, s.Desc); c != 0 {
		return c
	}
	switch {
	case a.OffsetBytes < b.OffsetBytes:
		return -1
	case a.OffsetBytes > b.OffsetBytes:
		return 1
	}
	return 0
}

// SortRows sorts rows in place by s.CompareRows and, when s.HasLimit, returns
// the first s.Keep of them.
func (s Shape) SortRows(rows []Row) []Row {
	slices.SortFunc(rows, func(a, b Row) int { return s.CompareRows(&a, &b) })
	if s.HasLimit && len(rows) > s.Keep {
		clear(rows[s.Keep:])
		rows = rows[:s.Keep]
	}
	return rows
}

// SortGroups sorts groups in place by their AppendKey encoding.
func SortGroups(groups []Group) {
	slices.SortFunc(groups, func(a, b Group) int {
		return bytes.Compare(AppendKey(nil, a.Key), AppendKey(nil, b.Key))
	})
}

// Merge folds other into p. It is associative and commutative (float sums up
// to rounding in the last bits). It returns an error wrapping
// ErrShapeMismatch when the shapes differ, ErrTooManyGroups or
// ErrTooManyRows when the merged result exceeds the smaller of the two
// limits, and an error when the same record offset appears in both row sets.
// On error p is left unchanged. other is not modified, but p may share State
// values with it afterwards; don't mutate other later.
func (p *PartialResult) Merge(other *PartialResult) error {
	if !p.Shape.Equal(other.Shape) {
		return fmt.Errorf("merging partial results: %w", ErrShapeMismatch)
	}
	lim := p.Limits.min(other.Limits)
	var err error
	switch p.Shape.Mode {
	case ModeGroups:
		err = p.mergeGroups(other, lim)
	case ModeRows:
		err = p.mergeRows(other, lim)
	default:
		err = fmt.Errorf("unknown mode %q", p.Shape.Mode)
	}
	if err != nil {
		return fmt.Errorf("merging partial results: %w", err)
	}
	p.Limits = lim
	p.RecordsScanned += other.RecordsScanned
	p.RecordsMatched += other.RecordsMatched
	return nil
}

func (p *PartialResult) mergeGroups(o *PartialResult, lim Limits) error {
	out := make([]Group, 0, max(len(p.Groups), len(o.Groups)))
	i, j := 0, 0
	for i < len(p.Groups) || j < len(o.Groups) {
		c := -1
		if i == len(p.Groups) {
			c = 1
		} else if j < len(o.Groups) {
			c = bytes.Compare(AppendKey(nil, p.Groups[i].Key), AppendKey(nil, o.Groups[j].Key))
		}
		switch {
		case c < 0:
			out = append(out, p.Groups[i])
			i++
		case c > 0:
			out = append(out, copyGroup(o.Groups[j]))
			j++
		default:
			g := copyGroup(p.Groups[i])
			for k := range g.States {
				g.States[k].Merge(p.Shape.Aggs[k].Func, &o.Groups[j].States[k])
			}
			out = append(out, g)
			i++
			j++
		}
		if len(out) > lim.groups() {
			return fmt.Errorf("%w: more than %d distinct group keys (limit %d)", ErrTooManyGroups, lim.groups(), lim.groups())
		}
	}
	p.Groups = out
	return nil
}

func copyGroup(g Group) Group {
	return Group{Key: g.Key, States: slices.Clone(g.States)}
}

func (p *PartialResult) mergeRows(o *PartialResult, lim Limits) error {
	rows := make([]Row, 0, len(p.Rows)+len(o.Rows))
	rows = append(append(rows, p.Rows...), o.Rows...)
	rows = p.Shape.SortRows(rows)
	seen := make(map[int64]struct{}, len(rows))
	for _, r := range rows {
		if _, dup := seen[r.OffsetBytes]; dup {
			return fmt.Errorf("record at byte offset %d is in both partial results", r.OffsetBytes)
		}
		seen[r.OffsetBytes] = struct{}{}
	}
	if !p.Shape.HasLimit && len(rows) > lim.rows() {
		return fmt.Errorf("%w: %d rows (limit %d)", ErrTooManyRows, len(rows), lim.rows())
	}
	p.Rows = rows
	return nil
}

// Validate checks that p is internally consistent: a known mode, groups and
// rows matching the shape, sorted and unique, non-negative counters, and
// sizes within the limits. It joins every problem found.
func (p *PartialResult) Validate() error {
	var errs []error
	s := p.Shape
	switch s.Mode {
	case ModeGroups:
		errs = append(errs, p.validateGroups()...)
	case ModeRows:
		errs = append(errs, p.validateRows()...)
	default:
		errs = append(errs, fmt.Errorf("unknown mode %q", s.Mode))
	}
	if p.RecordsScanned < 0 || p.RecordsMatched < 0 || p.RecordsMatched > p.RecordsScanned {
		errs = append(errs, fmt.Errorf("bad counters: %d scanned, %d matched", p.RecordsScanned, p.RecordsMatched))
	}
	if p.Limits.MaxGroups < 0 || p.Limits.MaxRows < 0 {
		errs = append(errs, errors.New("negative limits"))
	}
	return errors.Join(errs...)
}

func (p *PartialResult) validateGroups() []error {
	var errs []error
	s := p.Shape
	if len(p.Rows) > 0 {
		errs = append(errs, errors.New("rows in a groups result"))
	}
	for _, a := range s.Aggs {
		if !a.Func.valid() {
			errs = append(errs, fmt.Errorf("unknown aggregate function %q", a.Func))
		}
	}
	if s.Keys == 0 && len(p.Groups) > 1 {
		errs = append(errs, fmt.Errorf("%d groups without group keys", len(p.Groups)))
	}
	if len(p.Groups) > p.Limits.groups() {
		errs = append(errs, fmt.Errorf("%w: %d groups (limit %d)", ErrTooManyGroups, len(p.Groups), p.Limits.groups()))
	}
	var prev []byte
	for i, g := range p.Groups {
		if len(g.Key) != s.Keys || len(g.States) != len(s.Aggs) {
			errs = append(errs, fmt.Errorf("group %d: %d keys and %d states, want %d and %d", i, len(g.Key), len(g.States), s.Keys, len(s.Aggs)))
			continue
		}
		k := AppendKey(nil, g.Key)
		if i > 0 && bytes.Compare(prev, k) >= 0 {
			errs = append(errs, fmt.Errorf("group %d: not sorted or duplicate", i))
		}
		prev = k
		for j := range g.States {
			if err := g.States[j].validate(s.Aggs[j].Func); err != nil {
				errs = append(errs, fmt.Errorf("group %d, %s: %w", i, s.Aggs[j].Expr, err))
			}
		}
	}
	return errs
}

func (p *PartialResult) validateRows() []error {
	var errs []error
	s := p.Shape
	if len(p.Groups) > 0 {
		errs = append(errs, errors.New("groups in a rows result"))
	}
	if s.HasLimit && len(p.Rows) > s.Keep {
		errs = append(errs, fmt.Errorf("%d rows, more than LIMIT+OFFSET %d", len(p.Rows), s.Keep))
	}
	if !s.HasLimit && len(p.Rows) > p.Limits.rows() {
		errs = append(errs, fmt.Errorf("%w: %d rows (limit %d)", ErrTooManyRows, len(p.Rows), p.Limits.rows()))
	}
	for i := range p.Rows {
		r := &p.Rows[i]
		if len(r.Values) != s.Columns || len(r.SortKeys) != len(s.Desc) {
			errs = append(errs, fmt.Errorf("row %d: %d values and %d sort keys, want %d and %d", i, len(r.Values), len(r.SortKeys), s.Columns, len(s.Desc)))
			continue
		}
		if i > 0 && s.CompareRows(&p.Rows[i-1], r) >= 0 {
			errs = append(errs, fmt.Errorf("row %d (byte offset %d): not sorted or duplicate", i, r.OffsetBytes))
		}
	}
	return errs
}
