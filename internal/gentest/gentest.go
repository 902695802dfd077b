// Package gentest renders generated records in every format Baton reads,
// with their reference answer computed from the generated rows, never by
// parsing the rendered bytes. It is shared by the property tests.
package gentest

import (
	"fmt"
	"sort"
	"strings"
)

// Row is one generated record: its group key, its value and how it is
// written.
type Row struct {
	Key   string
	Val   int64
	CRLF  bool // ends with \r\n instead of \n
	Blank bool // an empty line precedes the record (csv and jsonl only)
	Pad   int  // extra bytes in a text field, to vary record lengths
}

// Keys are the group keys rows draw from: a comma, a quote, non-ASCII and
// spaces exercise the CSV and JSON encoders.
func Keys() []string { return []string{"a", "b,c", `q"uote`, "ü", "long key with spaces"} }

// Query is the SQL whose answer Reference gives for format: count and sum
// by key, or the count of lines.
func Query(format string) string {
	if format == "lines" {
		return "SELECT count(*) FROM s3object"
	}
	return "SELECT k, count(*), sum(v) FROM s3object GROUP BY k ORDER BY k"
}

// Render writes rows as format ("csv" with a k,v,pad header, "jsonl" or
// "lines").
func Render(format string, rows []Row) string {
	var b strings.Builder
	if format == "csv" {
		b.WriteString("k,v,pad")
		if len(rows) > 0 && rows[0].CRLF {
			b.WriteString("\r")
		}
		b.WriteString("\n")
	}
	for _, r := range rows {
		end := "\n"
		if r.CRLF {
			end = "\r\n"
		}
		if r.Blank && format != "lines" {
			b.WriteString(end)
		}
		pad := strings.Repeat("x", r.Pad)
		switch format {
		case "csv":
			fmt.Fprintf(&b, "%s,%d,%s%s", `"`+strings.ReplaceAll(r.Key, `"`, `""`)+`"`, r.Val, pad, end)
		case "jsonl":
			fmt.Fprintf(&b, `{"k":%q,"v":%d,"p":%q}%s`, r.Key, r.Val, pad, end)
		default:
			fmt.Fprintf(&b, "%d %s%s", r.Val, pad, end)
		}
	}
	return b.String()
}

// Reference is Query's answer over rows, one sequential pass: rows
// "key,count,sum" sorted by key, or the line count for "lines".
func Reference(format string, rows []Row) []string {
	if format == "lines" {
		return []string{fmt.Sprint(len(rows))}
	}
	count, sum := map[string]int64{}, map[string]int64{}
	for _, r := range rows {
		count[r.Key]++
		sum[r.Key] += r.Val
	}
	out := []string{}
	for k := range count {
		out = append(out, fmt.Sprintf("%s,%d,%d", k, count[k], sum[k]))
	}
	sort.Strings(out)
	return out
}
