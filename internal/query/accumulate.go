package query

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/batonrun/baton/aggregate"
	"github.com/batonrun/baton/internal/value"
)

// Default limits (see Options).
const (
	DefaultMaxGroups = aggregate.DefaultMaxGroups
	DefaultMaxRows   = aggregate.DefaultMaxRows
)

// Options bound an Accumulator. The zero value uses the defaults.
type Options struct {
	// MaxGroups caps distinct group keys; 0 means DefaultMaxGroups.
	MaxGroups int
	// MaxRows caps the rows of a projection without LIMIT; 0 means
	// DefaultMaxRows.
	MaxRows int
}

// Validate reports every invalid field, joined.
func (o Options) Validate() error {
	var errs []error
	if o.MaxGroups < 0 {
		errs = append(errs, fmt.Errorf("MaxGroups %d is negative", o.MaxGroups))
	}
	if o.MaxRows < 0 {
		errs = append(errs, fmt.Errorf("MaxRows %d is negative", o.MaxRows))
	}
	return errors.Join(errs...)
}

func (o Options) limits() aggregate.Limits {
	l := aggregate.Limits{MaxGroups: o.MaxGroups, MaxRows: o.MaxRows}
	if l.MaxGroups <= 0 {
		l.MaxGroups = DefaultMaxGroups
	}
	if l.MaxRows <= 0 {
		l.MaxRows = DefaultMaxRows
	}
	return l
}

// Accumulator evaluates a Plan over records and keeps the mergeable state.
// It is not safe for concurrent use; use one per goroutine. After Add
// returns a *ValueError the record is skipped and the accumulator is intact;
// after any other error its state is undefined: discard it.
type Accumulator struct {
	p   *Plan
	lim aggregate.Limits
	env env

	scanned, matched int64

	// groups mode: group i has key keys[i*nk:(i+1)*nk], states
	// states[i*na:(i+1)*na] and encoded key encs[i].
	index   map[string]int
	encs    []string
	keys    []value.Value
	states  []aggregate.State
	keyBuf  []byte
	keyVals []value.Value
	argVals []value.Value // one record's count, min and max arguments, before they are applied
	nums    []number      // one record's sum and avg arguments, before they are applied
	keyCols []int         // per key: its Row slot when the key is a bare column, else -1
	// textKey is the Row slot of the only key when it is a bare column, else
	// -1; textIndex then maps a Text key's text to its group, interning it,
	// and shortIndex does for texts of at most 7 bytes, packed (packText).
	textKey    int
	textIndex  map[string]int
	shortIndex *shortKeys
	argCols    []int   // per aggregate: its argument's Row slot when a bare column, else -1
	aggOps     []aggOp // per aggregate: what it does with its argument

	// rows mode
	rows    []aggregate.Row
	sortBuf []value.Value
	outBuf  []value.Value  // one record's projected values, before the row is kept
	cutoff  *aggregate.Row // with LIMIT: rows ordered after it cannot be kept
}

// NewAccumulator returns an empty accumulator for p. Non-positive limits in
// o mean the defaults (call o.Validate to reject negative ones).
func (p *Plan) NewAccumulator(o Options) *Accumulator {
	a := &Accumulator{p: p, lim: o.limits()}
	a.Reset()
	return a
}

// Reset empties the accumulator, keeping its plan and limits.
func (a *Accumulator) Reset() {
	*a = Accumulator{p: a.p, lim: a.lim, index: map[string]int{},
		keyVals: make([]value.Value, len(a.p.keys)), argVals: make([]value.Value, len(a.p.aggs)),
		sortBuf: make([]value.Value, len(a.p.order)), outBuf: make([]value.Value, len(a.p.outs)),
		keyCols: make([]int, len(a.p.keys)), argCols: make([]int, len(a.p.aggs)),
		textKey: -1, textIndex: map[string]int{}, shortIndex: newShortKeys()}
	for i, k := range a.p.keys {
		a.keyCols[i] = colSlot(k)
	}
	a.aggOps, a.nums = make([]aggOp, len(a.p.aggs)), make([]number, len(a.p.aggs))
	for i := range a.p.aggs {
		a.argCols[i] = colSlot(a.p.aggs[i].arg)
		a.aggOps[i] = aggOpOf(&a.p.aggs[i])
	}
	if len(a.keyCols) == 1 {
		a.textKey = a.keyCols[0]
	}
}

// colSlot returns n's Row slot when n is a bare column reference, else -1:
// the accumulator reads such a column from the Row directly.
func colSlot(n node) int {
	if c, ok := n.(*colNode); ok {
		return c.slot
	}
	return -1
}

// Add evaluates one record: WHERE, then the group keys and aggregates, or
// the projection. offsetBytes is the record's first byte in the object; it
// orders projected rows and locates errors. Text values returned by r need
// only last until Add returns (they may alias a reader's buffer): Add
// clones what it keeps (group keys, min and max, projected rows). Errors: *ValueError for a value an expression cannot use,
// ErrTooManyGroups or ErrTooManyRows (wrapped) past the limits.
//
// A record is all or nothing: Add evaluates every expression the record
// needs before it changes any state, so after a *ValueError the record has
// left no trace (not in a group, a row or the scanned and matched counts)
// and the accumulator can go on with the next record (a skipped bad
// record). Every expression is evaluated for every matching record, also
// for rows a LIMIT will drop, so whether a record is bad does not depend on
// the records before it. After a limit error the state is undefined:
// discard the accumulator.
func (a *Accumulator) Add(r Row, offsetBytes int64) error {
	e := &a.env
	e.row, e.off = r, offsetBytes
	e.text, _ = r.(TextRow)
	if w := a.p.where; w != nil {
		t, known, err := testWhere(w, e)
		if err != nil {
			return err
		}
		if !t || !known {
			a.scanned++
			return nil
		}
	}
	var err error
	if a.p.mode == aggregate.ModeGroups {
		err = a.addGroup(e)
	} else {
		err = a.addRow(e)
	}
	if err != nil {
		return err
	}
	a.scanned++
	a.matched++
	return nil
}

func (a *Accumulator) addRow(e *env) error {
	p := a.p
	shape := &p.shape
	if shape.HasLimit && shape.Keep == 0 {
		return nil
	}
	for i, o := range p.order {
		v, err := o.n.eval(e)
		if err != nil {
			return err
		}
		a.sortBuf[i] = v
	}
	for i, o := range p.outs {
		v, err := o.eval(e)
		if err != nil {
			return err
		}
		a.outBuf[i] = v
	}
	row := aggregate.Row{OffsetBytes: e.off, SortKeys: a.sortBuf}
	if a.cutoff != nil && shape.CompareRows(&row, a.cutoff) > 0 {
		return nil
	}
	row.SortKeys = cloneValues(a.sortBuf)
	row.Values = cloneValues(a.outBuf)
	a.rows = append(a.rows, row)
	if shape.HasLimit && len(a.rows) >= 2*shape.Keep+64 {
		a.rows = shape.SortRows(a.rows)
		last := a.rows[len(a.rows)-1]
		a.cutoff = &last
	}
	if !shape.HasLimit && len(a.rows) > a.lim.MaxRows {
		return fmt.Errorf("%w: more than %d rows (limit %d)", ErrTooManyRows, a.lim.MaxRows, a.lim.MaxRows)
	}
	return nil
}

// Partial returns a copy of the accumulated state as a partial result
// (groups sorted, rows sorted and cut to LIMIT+OFFSET). The accumulator can
// keep adding afterwards, or be Reset.
func (a *Accumulator) Partial() *aggregate.PartialResult {
	pr := &aggregate.PartialResult{Shape: a.p.shape, Limits: a.lim,
		RecordsScanned: a.scanned, RecordsMatched: a.matched}
	if a.p.mode == aggregate.ModeRows {
		rows := slices.Clone(a.rows)
		pr.Rows = a.p.shape.SortRows(rows)
		return pr
	}
	order := make([]int, len(a.encs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(x, y int) int { return strings.Compare(a.encs[x], a.encs[y]) })
	nk, na := len(a.p.keys), len(a.p.aggs)
	pr.Groups = make([]aggregate.Group, len(order))
	for j, i := range order {
		pr.Groups[j] = aggregate.Group{
			Key:    slices.Clone(a.keys[i*nk : (i+1)*nk]),
			States: slices.Clone(a.states[i*na : (i+1)*na]),
		}
	}
	return pr
}

// cloneValues returns a copy of vals whose Text owns its bytes.
func cloneValues(vals []value.Value) []value.Value {
	out := make([]value.Value, len(vals))
	for i, v := range vals {
		out[i] = v.Clone()
	}
	return out
}
