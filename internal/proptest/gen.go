// Package proptest holds the fault-injection property test: seeded fault
// schedules over generated inputs, each of which must end with the exact
// reference result or fail with the right reason.
package proptest

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
)

// row is one generated record; the reference is computed from rows, never
// by parsing the rendered bytes.
type row struct {
	key  string
	val  int64
	crlf bool
	pad  int
}

var keys = []string{"a", "b,c", `q"uote`, "ü", "long key with spaces"}

// input is one generated object and its reference answer.
type input struct {
	format string
	data   []byte
	want   []string // "key,count,sum" sorted; lines: "count,sum"
}

// genInput draws a format and up to ~300 KB of records.
func genInput(r *rand.Rand) input {
	format := []string{"csv", "jsonl", "lines"}[r.IntN(3)]
	n := []int{0, 1, 5, 50, 400, 2000}[r.IntN(6)]
	rows := make([]row, n)
	for i := range rows {
		rows[i] = row{key: keys[r.IntN(len(keys))], val: r.Int64N(2001) - 1000, crlf: r.IntN(3) == 0,
			pad: []int{0, 1, 7, 60, 2000}[r.IntN(5)]}
		if r.IntN(200) == 0 {
			rows[i].pad = 20000 // a long record
		}
	}
	return input{format: format, data: []byte(render(format, rows)), want: reference(format, rows)}
}

func csvQuote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func render(format string, rows []row) string {
	var b strings.Builder
	if format == "csv" {
		b.WriteString("k,v,pad\r\n")
	}
	for _, r := range rows {
		end := "\n"
		if r.crlf {
			end = "\r\n"
		}
		pad := strings.Repeat("x", r.pad)
		switch format {
		case "csv":
			fmt.Fprintf(&b, "%s,%d,%s%s", csvQuote(r.key), r.val, pad, end)
		case "jsonl":
			fmt.Fprintf(&b, `{"k":%q,"v":%d,"p":%q}%s`, r.key, r.val, pad, end)
		default:
			fmt.Fprintf(&b, "%d %s%s", r.val, pad, end)
		}
	}
	return b.String()
}

// reference is a plain sequential count and sum over the generated rows.
func reference(format string, rows []row) []string {
	if format == "lines" {
		return []string{fmt.Sprint(len(rows))}
	}
	count, sum := map[string]int64{}, map[string]int64{}
	for _, r := range rows {
		count[r.key]++
		sum[r.key] += r.val
	}
	out := []string{}
	for k := range count {
		out = append(out, fmt.Sprintf("%s,%d,%d", k, count[k], sum[k]))
	}
	sort.Strings(out)
	return out
}

var queries = map[string]string{
	"csv":   "SELECT k, count(*), sum(v) FROM s3object GROUP BY k ORDER BY k",
	"jsonl": "SELECT k, count(*), sum(v) FROM s3object GROUP BY k ORDER BY k",
	"lines": "SELECT count(*) FROM s3object",
}
