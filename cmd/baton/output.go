package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/dustin/go-humanize"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/local"
)

type renderFunc func(io.Writer, events.ResultTable) error

func renderer(name string) (renderFunc, error) {
	switch name {
	case "table":
		return renderTable, nil
	case "json":
		return renderJSON, nil
	case "csv":
		return renderCSV, nil
	}
	return nil, fmt.Errorf("--output %q: want table, json or csv", name)
}

func isNull(t events.ResultTable, row, col int) bool {
	return row < len(t.Kinds) && col < len(t.Kinds[row]) && t.Kinds[row][col] == "null"
}

func renderTable(w io.Writer, t events.ResultTable) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(t.Columns, "\t"))
	for i, row := range t.Rows {
		cells := make([]string, len(row))
		for j, c := range row {
			cells[j] = strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(c)
			if isNull(t, i, j) {
				cells[j] = "NULL"
			}
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}

// renderJSON writes an array of objects, one per row, members in SELECT
// order (see uniqueNames); numbers and booleans keep their type.
func renderJSON(w io.Writer, t events.ResultTable) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(jsonRows(t))
}

// renderPartialJSON writes a partial result (JobSucceeded.Partial) for
// --output json as one object instead of the bare array, so that no reader
// takes it for a whole result:
//
//	{"partial": true, "failedRanges": [{"rangeIndex", "offsetBytes",
//	 "lengthBytes", "code", "reason"}...], "rows": [ ...as renderJSON... ]}
func renderPartialJSON(w io.Writer, s events.JobSucceeded) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Partial      bool                 `json:"partial"`
		FailedRanges []events.FailedRange `json:"failedRanges"`
		Rows         []jsonRow            `json:"rows"`
	}{true, s.FailedRanges, jsonRows(s.Result)})
}

// jsonRows is t as one object per row whose members follow the SELECT
// order, named by uniqueNames(t.Columns).
func jsonRows(t events.ResultTable) []jsonRow {
	names := uniqueNames(t.Columns)
	out := make([]jsonRow, 0, len(t.Rows))
	for i, row := range t.Rows {
		r := jsonRow{names: names, vals: make([]any, len(row))}
		for j, c := range row {
			r.vals[j] = jsonCell(t, i, j, c)
		}
		out = append(out, r)
	}
	return out
}

// jsonRow is one result row as a JSON object; its members keep the order
// of names (a Go map would sort them).
type jsonRow struct {
	names []string
	vals  []any
}

func (r jsonRow) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, name := range r.names {
		if i > 0 {
			b = append(b, ',')
		}
		k, err := json.Marshal(name)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(r.vals[i])
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", name, err)
		}
		b = append(append(append(b, k...), ':'), v...)
	}
	return append(b, '}'), nil
}

// uniqueNames returns cols with each repeated name after its first made
// unique as DuckDB does: NAME_1, NAME_2, ... skipping names already taken,
// so that no column of a JSON object is lost.
func uniqueNames(cols []string) []string {
	taken := make(map[string]bool, len(cols))
	for _, c := range cols {
		taken[c] = true
	}
	seen := make(map[string]bool, len(cols))
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c
		if seen[c] {
			for n := 1; taken[out[i]]; n++ {
				out[i] = c + "_" + strconv.Itoa(n)
			}
			taken[out[i]] = true
		}
		seen[c] = true
	}
	return out
}

func jsonCell(t events.ResultTable, i, j int, c string) any {
	kind := ""
	if i < len(t.Kinds) && j < len(t.Kinds[i]) {
		kind = t.Kinds[i][j]
	}
	switch kind {
	case "null":
		return nil
	case "int", "float":
		return json.Number(c)
	case "bool":
		b, _ := strconv.ParseBool(c)
		return b
	}
	return c
}

func renderCSV(w io.Writer, t events.ResultTable) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(t.Columns); err != nil {
		return err
	}
	for _, row := range t.Rows {
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func printSummary(w io.Writer, out local.Outcome) {
	s := out.Succeeded.Stats
	secs := max(out.Wall.Seconds(), 1e-9)
	fmt.Fprintf(w, "job %s: %s records, %s, %d ranges, %d invocations, %d hops, %s, %s/s\n",
		out.JobID, humanize.Comma(s.Records), humanize.IBytes(uint64(s.Bytes)), s.Ranges, s.Invocations, s.Hops,
		out.Wall.Round(time.Millisecond), humanize.Bytes(uint64(float64(s.Bytes)/secs)))
	if out.TracePath != "" {
		fmt.Fprintf(w, "timeline: baton trace %s (spans in %s, logs in %s)\n", out.JobID, out.TracePath, out.LogPath)
	}
}
