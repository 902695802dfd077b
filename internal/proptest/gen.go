// Package proptest holds the fault-injection property test: seeded fault
// schedules over generated inputs, each of which must end with the exact
// reference result or fail with the right reason.
package proptest

import (
	"math/rand/v2"

	"github.com/batonrun/baton/internal/gentest"
)

// input is one generated object and its reference answer.
type input struct {
	format string
	data   []byte
	want   []string // gentest.Reference
}

// genInput draws a format and up to ~300 KB of records.
func genInput(r *rand.Rand) input {
	format := []string{"csv", "jsonl", "lines"}[r.IntN(3)]
	n := []int{0, 1, 5, 50, 400, 2000}[r.IntN(6)]
	keys := gentest.Keys()
	rows := make([]gentest.Row, n)
	for i := range rows {
		rows[i] = gentest.Row{Key: keys[r.IntN(len(keys))], Val: r.Int64N(2001) - 1000, CRLF: r.IntN(3) == 0,
			Pad: []int{0, 1, 7, 60, 2000}[r.IntN(5)]}
		if r.IntN(200) == 0 {
			rows[i].Pad = 20000 // a long record
		}
	}
	return input{format: format, data: []byte(gentest.Render(format, rows)), want: gentest.Reference(format, rows)}
}
