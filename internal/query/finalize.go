package query

import (
	"fmt"
	"slices"

	"github.com/batonrun/baton/aggregate"
	"github.com/batonrun/baton/internal/value"
)

// Result is a finished query result.
type Result struct {
	Columns        []string
	Rows           [][]value.Value
	RecordsScanned int64
	RecordsMatched int64
}

// Finalize turns the merged partial result of all records into the result:
// aggregate values (avg = sum/count), select expressions over them, HAVING,
// ORDER BY (default: group key order, or byte offset for projections; ties
// broken by group key or offset), then OFFSET and LIMIT. It returns an error
// wrapping aggregate.ErrShapeMismatch when pr is from another query, and a
// *ValueError when a select expression cannot use an aggregate's value.
func (p *Plan) Finalize(pr *aggregate.PartialResult) (*Result, error) {
	if !pr.Shape.Equal(p.shape) {
		return nil, fmt.Errorf("finalizing: %w", aggregate.ErrShapeMismatch)
	}
	if err := pr.Validate(); err != nil {
		return nil, fmt.Errorf("finalizing: %w", err)
	}
	res := &Result{Columns: slices.Clone(p.names), RecordsScanned: pr.RecordsScanned, RecordsMatched: pr.RecordsMatched}
	var err error
	if p.mode == aggregate.ModeRows {
		res.Rows = p.finalRows(pr)
	} else {
		res.Rows, err = p.finalGroups(pr)
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

func (p *Plan) window(n int) (lo, hi int) {
	if !p.hasLimit {
		return 0, n
	}
	lo = int(min(p.offset, int64(n)))
	hi = int(min(p.offset+p.limit, int64(n)))
	return lo, hi
}

func (p *Plan) finalRows(pr *aggregate.PartialResult) [][]value.Value {
	rows := p.shape.SortRows(slices.Clone(pr.Rows))
	lo, hi := p.window(len(rows))
	out := make([][]value.Value, 0, hi-lo)
	for _, r := range rows[lo:hi] {
		out = append(out, r.Values)
	}
	return out
}

type finalRow struct {
	key, sort, vals []value.Value
}

func (p *Plan) finalGroups(pr *aggregate.PartialResult) ([][]value.Value, error) {
	groups := pr.Groups
	if len(p.keys) == 0 && len(groups) == 0 { // aggregates over no records: one row
		groups = []aggregate.Group{{States: make([]aggregate.State, len(p.aggs))}}
	}
	rows := make([]finalRow, 0, len(groups))
	for _, g := range groups {
		e := &env{keys: g.Key, aggs: make([]value.Value, len(p.aggs))}
		for i, d := range p.aggs {
			e.aggs[i] = g.States[i].Result(d.fn)
		}
		if p.having != nil {
			v, err := p.having.eval(e)
			if err != nil {
				return nil, err
			}
			if t, known := truth(v); !t || !known {
				continue
			}
		}
		r := finalRow{key: g.Key, vals: make([]value.Value, len(p.outs)), sort: make([]value.Value, len(p.order))}
		if err := evalInto(r.vals, p.outs, e); err != nil {
			return nil, err
		}
		for i, o := range p.order {
			v, err := o.n.eval(e)
			if err != nil {
				return nil, err
			}
			r.sort[i] = v
		}
		rows = append(rows, r)
	}
	desc := make([]bool, len(p.order))
	for i, o := range p.order {
		desc[i] = o.desc
	}
	slices.SortFunc(rows, func(a, b finalRow) int {
		if c := aggregate.CompareTuples(a.sort, b.sort, desc); c != 0 {
			return c
		}
		return aggregate.CompareTuples(a.key, b.key, nil)
	})
	lo, hi := p.window(len(rows))
	out := make([][]value.Value, 0, hi-lo)
	for _, r := range rows[lo:hi] {
		out = append(out, r.vals)
	}
	return out, nil
}

func evalInto(dst []value.Value, ns []node, e *env) error {
	for i, n := range ns {
		v, err := n.eval(e)
		if err != nil {
			return err
		}
		dst[i] = v
	}
	return nil
}
