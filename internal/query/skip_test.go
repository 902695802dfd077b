package query

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// A record whose value an expression cannot use is skipped whole: adding
// every record and skipping the *ValueErrors gives the same result, and the
// same scanned and matched counts, as adding only the good records. The bad
// records fail late (the second aggregate, the second projected column, or
// past a LIMIT's cutoff) so a half-applied record would show.
func TestValueErrorSkipsWholeRecord(t *testing.T) {
	header := []string{"k", "a", "b"}
	queries := []string{
		"SELECT k, count(*), sum(a), sum(b) FROM s3object GROUP BY k",
		"SELECT count(*), avg(b), min(a) FROM s3object WHERE a > 2",
		"SELECT k, a, b + 1 FROM s3object ORDER BY a LIMIT 3",
		"SELECT k, b * 2 FROM s3object",
	}
	rng := rand.New(rand.NewPCG(7, 9))
	for iter := 0; iter < 40; iter++ {
		var all []string
		isBad := map[int64]bool{}
		for i := 0; i < 60; i++ {
			line := fmt.Sprintf("%c,%d,%d", 'x'+rune(rng.IntN(3)), rng.IntN(10), rng.IntN(100))
			if rng.IntN(5) == 0 {
				line = fmt.Sprintf("%c,%d,SECRET%d", 'x'+rune(rng.IntN(3)), rng.IntN(10), i)
				isBad[int64(100*i)] = true
			}
			all = append(all, line)
		}
		for _, sql := range queries {
			got, gotBad := addSkipping(t, sql, header, all)
			var good []string
			skipped := map[int64]bool{}
			for _, off := range gotBad {
				skipped[off] = true
				if !isBad[off] {
					t.Fatalf("%s: record at %d skipped but good", sql, off)
				}
			}
			for i, l := range all {
				if !skipped[int64(100*i)] {
					good = append(good, l)
				}
			}
			if !strings.Contains(sql, "WHERE") && len(gotBad) != len(isBad) {
				t.Errorf("%s: %d records skipped, want %d", sql, len(gotBad), len(isBad))
			}
			want, wantBad := addSkipping(t, sql, header, good)
			if len(wantBad) != 0 {
				t.Fatalf("%s: the good records raised %v", sql, wantBad)
			}
			if got != want {
				t.Errorf("%s:\n got %+v\nwant %+v", sql, got, want)
			}
		}
	}
}

type skipOutcome struct {
	res              string
	scanned, matched int64
}

// addSkipping runs sql over lines, skipping records that raise a
// *ValueError (record i of the good ones keeps its offset by its text, so
// the two runs order projected rows alike). It returns the rendered result
// and the offsets of the skipped records.
func addSkipping(t *testing.T, sql string, header, lines []string) (skipOutcome, []int64) {
	t.Helper()
	q, err := Parse(sql)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Bind(q, Schema{Kind: SchemaCSV, Columns: header, NumFields: len(header)})
	if err != nil {
		t.Fatal(err)
	}
	acc := p.NewAccumulator(Options{})
	var bad []int64
	for i, l := range lines {
		off := int64(100 * i)
		err := acc.Add(csvRow{fields: strings.Split(l, ","), cols: p.Columns()}, off)
		var ve *ValueError
		switch {
		case errors.As(err, &ve):
			if ve.OffsetBytes != off || strings.Contains(ve.Error(), "SECRET") || !strings.HasPrefix(ve.Value, "SECRET") {
				t.Fatalf("%s: ValueError %+v (message %q) at offset %d", sql, ve, ve.Error(), off)
			}
			bad = append(bad, off)
		case err != nil:
			t.Fatal(err)
		}
	}
	pr := acc.Partial()
	res, err := p.Finalize(pr)
	if err != nil {
		t.Fatal(err)
	}
	return skipOutcome{res: render2D(res.Rows), scanned: pr.RecordsScanned, matched: pr.RecordsMatched}, bad
}
