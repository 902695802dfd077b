package aggregate

import (
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"reflect"
	"strings"
	"testing"

	"github.com/batonrun/baton/internal/value"
	"pgregory.net/rapid"
)

func roundTrip(t *testing.T, p *PartialResult) *PartialResult {
	t.Helper()
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	var q PartialResult
	if err := json.Unmarshal(b, &q); err != nil {
		t.Fatalf("unmarshal %s: %v", b, err)
	}
	b2, err := json.Marshal(&q)
	if err != nil {
		t.Fatalf("marshal again: %v", err)
	}
	if string(b) != string(b2) {
		t.Fatalf("encoding not stable:\n%s\n%s", b, b2)
	}
	return &q
}

func TestValueRoundTripExact(t *testing.T) {
	vals := []value.Value{
		value.NullValue, value.FromBool(true), value.FromBool(false),
		value.FromInt(math.MaxInt64), value.FromInt(math.MinInt64), value.FromInt(0),
		value.FromFloat(0.1), value.FromFloat(math.Copysign(0, -1)), value.FromFloat(math.Inf(1)),
		value.FromFloat(math.SmallestNonzeroFloat64), value.FromFloat(math.MaxFloat64),
		value.FromText(""), value.FromText("héllo \"<&>\""), value.FromText("bad \xff\xfe utf8"),
		value.FromText("{\"i\":\"1\"}"),
	}
	p := &PartialResult{Shape: Shape{Mode: ModeRows, Columns: len(vals)},
		Rows: []Row{{OffsetBytes: 7, Values: vals}}, RecordsScanned: 1, RecordsMatched: 1}
	q := roundTrip(t, p)
	got := q.Rows[0].Values
	for i, v := range vals {
		g := got[i]
		if g.Kind != v.Kind || g.I != v.I || g.S != v.S || math.Float64bits(g.F) != math.Float64bits(v.F) {
			t.Errorf("value %d: got %#v, want %#v", i, g, v)
		}
	}
}

func TestStrictDecode(t *testing.T) {
	good := `{"version":1,"shape":{"mode":"rows","columns":1},"limits":{},"recordsScanned":1,"recordsMatched":1,"rows":[{"offsetBytes":0,"values":[{"i":"5"}]}]}`
	var p PartialResult
	if err := json.Unmarshal([]byte(good), &p); err != nil {
		t.Fatalf("good input rejected: %v", err)
	}
	bad := map[string]string{
		"unknown field":   strings.Replace(good, `"limits":{}`, `"limits":{},"extra":1`, 1),
		"version":         strings.Replace(good, `"version":1`, `"version":2`, 1),
		"int as number":   strings.Replace(good, `{"i":"5"}`, `5`, 1),
		"two tags":        strings.Replace(good, `{"i":"5"}`, `{"i":"5","f":"5"}`, 1),
		"unknown tag":     strings.Replace(good, `{"i":"5"}`, `{"x":"5"}`, 1),
		"int overflow":    strings.Replace(good, `{"i":"5"}`, `{"i":"9223372036854775808"}`, 1),
		"wrong columns":   strings.Replace(good, `"columns":1`, `"columns":2`, 1),
		"matched>scanned": strings.Replace(good, `"recordsMatched":1`, `"recordsMatched":2`, 1),
		"bad mode":        strings.Replace(good, `"rows","columns"`, `"nope","columns"`, 1),
	}
	for name, in := range bad {
		var q PartialResult
		if err := json.Unmarshal([]byte(in), &q); err == nil {
			t.Errorf("%s: accepted %s", name, in)
		}
	}
}

func TestIntSumOverflowIsExact(t *testing.T) {
	var a, b State
	want := new(big.Int)
	for i := 0; i < 5; i++ {
		a.AddNumber(value.FromInt(math.MaxInt64))
		b.AddNumber(value.FromInt(math.MaxInt64 - int64(i)))
		want.Add(want, big.NewInt(math.MaxInt64))
		want.Add(want, big.NewInt(math.MaxInt64-int64(i)))
	}
	a.AddNumber(value.FromInt(math.MinInt64))
	want.Add(want, big.NewInt(math.MinInt64))
	p := groupsPartial(Sum, a)
	q := groupsPartial(Sum, b)
	p = roundTrip(t, p)
	if err := p.Merge(roundTrip(t, q)); err != nil {
		t.Fatal(err)
	}
	got := p.Groups[0].States[0].Result(Sum)
	if got.Kind != value.Text || got.S != want.String() {
		t.Fatalf("sum = %#v, want text %s", got, want)
	}
	// Back into int64 range: the result is an Int again.
	var c State
	c.AddNumber(value.FromInt(math.MaxInt64))
	c.AddNumber(value.FromInt(10))
	c.AddNumber(value.FromInt(-20))
	if r := c.Result(Sum); r.Kind != value.Int || r.I != math.MaxInt64-10 {
		t.Fatalf("sum = %#v, want %d", r, int64(math.MaxInt64-10))
	}
}

func groupsPartial(f Func, states ...State) *PartialResult {
	p := &PartialResult{Shape: Shape{Mode: ModeGroups, Aggs: []AggSpec{{Func: f, Expr: string(f) + "(x)"}}}}
	for _, s := range states {
		p.Groups = append(p.Groups, Group{States: []State{s}})
	}
	return p
}

func TestMergeErrors(t *testing.T) {
	a := groupsPartial(Sum)
	b := groupsPartial(Avg)
	if err := a.Merge(b); !errors.Is(err, ErrShapeMismatch) {
		t.Fatalf("shape mismatch: got %v", err)
	}
	mk := func(keys ...int64) *PartialResult {
		p := &PartialResult{Shape: Shape{Mode: ModeGroups, Keys: 1}, Limits: Limits{MaxGroups: 3}}
		for _, k := range keys {
			p.Groups = append(p.Groups, Group{Key: []value.Value{value.FromInt(k)}})
		}
		SortGroups(p.Groups)
		return p
	}
	x := mk(1, 2)
	if err := x.Merge(mk(2, 3)); err != nil {
		t.Fatalf("3 groups within limit 3: %v", err)
	}
	before, _ := json.Marshal(x)
	if err := x.Merge(mk(4)); !errors.Is(err, ErrTooManyGroups) {
		t.Fatalf("4 groups: got %v", err)
	}
	after, _ := json.Marshal(x)
	if string(before) != string(after) {
		t.Fatal("failed merge changed the receiver")
	}
	rows := func(offs ...int64) *PartialResult {
		p := &PartialResult{Shape: Shape{Mode: ModeRows}, Limits: Limits{MaxRows: 2}}
		for _, o := range offs {
			p.Rows = append(p.Rows, Row{OffsetBytes: o})
		}
		return p
	}
	r := rows(1)
	if err := r.Merge(rows(1)); err == nil || !strings.Contains(err.Error(), "byte offset 1") {
		t.Fatalf("duplicate offset: got %v", err)
	}
	if err := r.Merge(rows(2, 3)); !errors.Is(err, ErrTooManyRows) {
		t.Fatalf("too many rows: got %v", err)
	}
}

// TestMergeOrderIndependent checks commutativity and associativity of Merge
// on random int states (exact) and that the encoding of the merged result
// does not depend on the merge order.
func TestMergeOrderIndependent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 5).Draw(t, "parts")
		parts := make([]*PartialResult, n)
		for i := range parts {
			p := &PartialResult{Shape: Shape{Mode: ModeGroups, Keys: 1, Aggs: []AggSpec{{Sum, "sum(x)"}, {Min, "min(x)"}, {Max, "max(x)"}}}}
			idx := map[int64]int{}
			for _, x := range rapid.SliceOfN(rapid.Int64(), 0, 20).Draw(t, "xs") {
				k := x % 3
				j, ok := idx[k]
				if !ok {
					j = len(p.Groups)
					idx[k] = j
					p.Groups = append(p.Groups, Group{Key: []value.Value{value.FromInt(k)}, States: make([]State, 3)})
				}
				st := p.Groups[j].States
				st[0].AddNumber(value.FromInt(x))
				st[1].AddMin(value.FromInt(x))
				st[2].AddMax(value.FromInt(x))
			}
			SortGroups(p.Groups)
			parts[i] = p
		}
		merge := func(order []int) string {
			acc := &PartialResult{Shape: parts[0].Shape}
			for _, i := range order {
				if err := acc.Merge(roundTripR(t, parts[i])); err != nil {
					t.Fatal(err)
				}
			}
			b, _ := json.Marshal(acc)
			return normalizeBig(t, b)
		}
		order := make([]int, n)
		for i := range order {
			order[i] = i
		}
		want := merge(order)
		perm := rapid.Permutation(order).Draw(t, "perm")
		if got := merge(perm); got != want {
			t.Fatalf("merge order changed the result:\n%s\n%s", got, want)
		}
	})
}

func roundTripR(t *rapid.T, p *PartialResult) *PartialResult {
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var q PartialResult
	if err := json.Unmarshal(b, &q); err != nil {
		t.Fatal(err)
	}
	return &q
}

// normalizeBig re-renders each group's sum as its exact total, since the
// split between Int and Big legitimately depends on the order of additions.
func normalizeBig(t *rapid.T, b []byte) string {
	var p PartialResult
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, g := range p.Groups {
		out = append(out, g.Key[0].String(), g.States[0].Result(Sum).String(),
			g.States[1].Result(Min).String(), g.States[2].Result(Max).String())
	}
	return strings.Join(out, ",") + "|" + reflect.TypeOf(p).String()
}
