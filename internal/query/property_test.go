package query

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"sort"
	"testing"

	"github.com/batonrun/baton/aggregate"
	"github.com/batonrun/baton/internal/value"
	"pgregory.net/rapid"
)

const propSQL = "SELECT k, count(*), count(x), sum(x), min(x), max(x), avg(x), sum(y), min(y), max(y), avg(y) FROM s3object GROUP BY k"

// propRecord is one generated JSON record; nil pointers are missing (NULL).
type propRecord struct {
	k *string
	x *int64
	y *float64
}

func (r propRecord) values() map[string]value.Value {
	m := map[string]value.Value{}
	if r.k != nil {
		m["k"] = value.FromText(*r.k)
	}
	if r.x != nil {
		m["x"] = value.FromInt(*r.x)
	}
	if r.y != nil {
		m["y"] = value.FromFloat(*r.y)
	}
	return m
}

func genRecord(t *rapid.T) propRecord {
	var r propRecord
	if k := rapid.SampledFrom([]string{"a", "b", "c", "", "abcdefg", "abcdefgh", "abcdefgi", "a longer group key"}).Draw(t, "k"); k != "" {
		r.k = &k
	}
	if rapid.IntRange(0, 4).Draw(t, "xNull") > 0 {
		// Mostly small values, sometimes near the int64 limits so sums
		// overflow int64 and must continue exactly.
		x := rapid.OneOf(rapid.Int64Range(-1000, 1000), rapid.Int64Range(math.MaxInt64-10, math.MaxInt64),
			rapid.Int64Range(math.MinInt64, math.MinInt64+10)).Draw(t, "x")
		r.x = &x
	}
	if rapid.IntRange(0, 4).Draw(t, "yNull") > 0 {
		y := rapid.Float64Range(-1e6, 1e6).Draw(t, "y")
		r.y = &y
	}
	return r
}

// refGroup is the naive reference for one group, computed with plain loops.
type refGroup struct {
	rows, nx, ny int64
	sumX         big.Int
	sumY, absY   float64 // naive float sum, and sum of |y| for the tolerance
	minX, maxX   int64
	minY, maxY   float64
}

func reference(recs []propRecord) (keys []string, groups map[string]*refGroup) {
	groups = map[string]*refGroup{}
	for _, r := range recs {
		k := "\x00NULL"
		if r.k != nil {
			k = *r.k
		}
		g := groups[k]
		if g == nil {
			g = &refGroup{}
			groups[k] = g
			keys = append(keys, k)
		}
		g.rows++
		if r.x != nil {
			if g.nx == 0 || *r.x < g.minX {
				g.minX = *r.x
			}
			if g.nx == 0 || *r.x > g.maxX {
				g.maxX = *r.x
			}
			g.nx++
			g.sumX.Add(&g.sumX, big.NewInt(*r.x))
		}
		if r.y != nil {
			if g.ny == 0 || *r.y < g.minY {
				g.minY = *r.y
			}
			if g.ny == 0 || *r.y > g.maxY {
				g.maxY = *r.y
			}
			g.ny++
			g.sumY += *r.y
			g.absY += math.Abs(*r.y)
		}
	}
	sort.Strings(keys) // "\x00NULL" sorts first, like NULL in the result
	return keys, groups
}

func accumulate(t *rapid.T, p *Plan, recs []propRecord, idx []int) *aggregate.PartialResult {
	acc := p.NewAccumulator(Options{})
	for _, i := range idx {
		if err := acc.Add(mapRow{vals: recs[i].values(), cols: p.Columns()}, int64(10*i)); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
	}
	return acc.Partial()
}

func viaJSON(t *rapid.T, pr *aggregate.PartialResult) *aggregate.PartialResult {
	b, err := json.Marshal(pr)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	var out aggregate.PartialResult
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("unmarshal: %v", err)
	}
	return &out
}

// TestPropertyPartitionMerge: accumulating random partitions separately,
// round-tripping each partial through JSON and merging them in random order
// gives the same result as one accumulator over all records, and both match
// a naive reference computed here with plain loops. Counts, integer sums
// (exact, through big.Int), min and max are compared exactly. Float sums and
// averages are compared with a tolerance of 1e-9 * sum(|y|): float addition
// is not associative, so a different partitioning or merge order changes the
// rounding; compensated summation keeps that error near 2ε·Σ|y|, far inside
// the tolerance, while a real bug (a lost or doubled value, |y| >= 1e-6 of
// the scale) is far outside it.
func TestPropertyPartitionMerge(t *testing.T) {
	q, err := Parse(propSQL)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Bind(q, Schema{Kind: SchemaJSON})
	if err != nil {
		t.Fatal(err)
	}
	rapid.Check(t, func(t *rapid.T) {
		recs := rapid.SliceOfN(rapid.Custom(genRecord), 0, 60).Draw(t, "records")
		nparts := rapid.IntRange(1, 5).Draw(t, "partitions")
		parts := make([][]int, nparts)
		all := make([]int, len(recs))
		for i := range recs {
			all[i] = i
			pi := rapid.IntRange(0, nparts-1).Draw(t, "partition")
			parts[pi] = append(parts[pi], i)
		}
		order := rapid.Permutation(seq(nparts)).Draw(t, "merge order")
		merged := viaJSON(t, accumulate(t, p, recs, parts[order[0]]))
		for _, pi := range order[1:] {
			if err := merged.Merge(viaJSON(t, accumulate(t, p, recs, parts[pi]))); err != nil {
				t.Fatalf("merge: %v", err)
			}
		}
		if merged.RecordsScanned != int64(len(recs)) {
			t.Fatalf("scanned %d records, want %d", merged.RecordsScanned, len(recs))
		}
		got, err := p.Finalize(merged)
		if err != nil {
			t.Fatalf("finalize merged: %v", err)
		}
		single, err := p.Finalize(accumulate(t, p, recs, all))
		if err != nil {
			t.Fatalf("finalize single: %v", err)
		}
		keys, ref := reference(recs)
		checkAgainstReference(t, "merged", got, keys, ref)
		checkAgainstReference(t, "single", single, keys, ref)
	})
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

func checkAgainstReference(t *rapid.T, label string, res *Result, keys []string, ref map[string]*refGroup) {
	if len(res.Rows) != len(keys) {
		t.Fatalf("%s: %d groups, want %d", label, len(res.Rows), len(keys))
	}
	for i, k := range keys {
		g, row := ref[k], res.Rows[i]
		wantKey := k
		if k == "\x00NULL" {
			wantKey = "NULL"
		}
		fail := func(col string, got value.Value, want any) {
			t.Fatalf("%s: group %s, %s = %#v, want %v", label, wantKey, col, got, want)
		}
		if gk := row[0]; (gk.IsNull() && wantKey != "NULL") || (!gk.IsNull() && gk.S != wantKey) {
			fail("k", gk, wantKey)
		}
		if row[1].Kind != value.Int || row[1].I != g.rows {
			fail("count(*)", row[1], g.rows)
		}
		if row[2].Kind != value.Int || row[2].I != g.nx {
			fail("count(x)", row[2], g.nx)
		}
		if g.nx == 0 {
			for c := 3; c <= 6; c++ {
				if !row[c].IsNull() {
					fail(res.Columns[c], row[c], "NULL")
				}
			}
		} else {
			if row[3].String() != g.sumX.String() {
				fail("sum(x)", row[3], g.sumX.String())
			}
			if row[4].Kind != value.Int || row[4].I != g.minX {
				fail("min(x)", row[4], g.minX)
			}
			if row[5].Kind != value.Int || row[5].I != g.maxX {
				fail("max(x)", row[5], g.maxX)
			}
			avg, _ := new(big.Float).Quo(new(big.Float).SetInt(&g.sumX), big.NewFloat(float64(g.nx))).Float64()
			if row[6].Kind != value.Float || !closeTo(row[6].F, avg, 1e-12*math.Abs(avg)) {
				fail("avg(x)", row[6], avg)
			}
		}
		if g.ny == 0 {
			for c := 7; c <= 10; c++ {
				if !row[c].IsNull() {
					fail(res.Columns[c], row[c], "NULL")
				}
			}
			continue
		}
		tol := 1e-9 * g.absY
		if row[7].Kind != value.Float || !closeTo(row[7].F, g.sumY, tol) {
			fail("sum(y)", row[7], g.sumY)
		}
		if row[8].Kind != value.Float || row[8].F != g.minY {
			fail("min(y)", row[8], g.minY)
		}
		if row[9].Kind != value.Float || row[9].F != g.maxY {
			fail("max(y)", row[9], g.maxY)
		}
		if row[10].Kind != value.Float || !closeTo(row[10].F, g.sumY/float64(g.ny), tol/float64(g.ny)) {
			fail("avg(y)", row[10], fmt.Sprint(g.sumY/float64(g.ny)))
		}
	}
}

func closeTo(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

// TestPropertyProjectionLimit: ORDER BY x DESC LIMIT n OFFSET m over random
// partitions merged in random order equals sorting all rows in the test
// (x descending, NULL last, ties by byte offset) and slicing.
func TestPropertyProjectionLimit(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		limit := rapid.IntRange(0, 8).Draw(t, "limit")
		offset := rapid.IntRange(0, 4).Draw(t, "offset")
		q, err := Parse(fmt.Sprintf("SELECT k, x FROM s3object ORDER BY x DESC LIMIT %d OFFSET %d", limit, offset))
		if err != nil {
			t.Fatal(err)
		}
		p, err := Bind(q, Schema{Kind: SchemaJSON})
		if err != nil {
			t.Fatal(err)
		}
		recs := rapid.SliceOfN(rapid.Custom(genRecord), 0, 200).Draw(t, "records")
		nparts := rapid.IntRange(1, 4).Draw(t, "partitions")
		parts := make([][]int, nparts)
		for i := range recs {
			pi := rapid.IntRange(0, nparts-1).Draw(t, "partition")
			parts[pi] = append(parts[pi], i)
		}
		order := rapid.Permutation(seq(nparts)).Draw(t, "merge order")
		merged := viaJSON(t, accumulate(t, p, recs, parts[order[0]]))
		for _, pi := range order[1:] {
			if err := merged.Merge(viaJSON(t, accumulate(t, p, recs, parts[pi]))); err != nil {
				t.Fatalf("merge: %v", err)
			}
		}
		res, err := p.Finalize(merged)
		if err != nil {
			t.Fatal(err)
		}
		// Reference: indices sorted by x desc (NULL last), then index.
		idx := seq(len(recs))
		sort.SliceStable(idx, func(a, b int) bool {
			xa, xb := recs[idx[a]].x, recs[idx[b]].x
			if xa == nil || xb == nil {
				return xa != nil && xb == nil
			}
			return *xa > *xb
		})
		lo, hi := min(offset, len(idx)), min(offset+limit, len(idx))
		want := idx[lo:hi]
		if len(res.Rows) != len(want) {
			t.Fatalf("%d rows, want %d", len(res.Rows), len(want))
		}
		for i, ri := range want {
			gotX := res.Rows[i][1]
			wx := recs[ri].x
			gotK, wk := res.Rows[i][0], recs[ri].k
			if (wk == nil) != gotK.IsNull() || (wk != nil && gotK.S != *wk) {
				t.Fatalf("row %d: k = %#v, want record %d", i, gotK, ri)
			}
			if (wx == nil) != gotX.IsNull() || (wx != nil && gotX.I != *wx) {
				t.Fatalf("row %d: x = %#v, want record %d", i, gotX, ri)
			}
		}
	})
}
