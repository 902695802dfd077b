package main

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/batonrun/baton/events"
)

// TestRenderJSONKeepsEveryColumnInOrder: --output json keeps the SELECT
// order and every column, renaming a repeated name as DuckDB does; the
// values decode back to what the table holds.
func TestRenderJSONKeepsEveryColumnInOrder(t *testing.T) {
	tbl := events.ResultTable{
		Columns: []string{"b", "a", "a", "a_1", "a"},
		Rows:    [][]string{{"1", "x", "2.5", "", "true"}},
		Kinds:   [][]string{{"int", "text", "float", "null", "bool"}},
	}
	var out bytes.Buffer
	if err := renderJSON(&out, tbl); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(strings.NewReader(out.String()))
	dec.UseNumber()
	var rows []json.RawMessage
	if err := dec.Decode(&rows); err != nil || len(rows) != 1 {
		t.Fatalf("%s: %v", out.String(), err)
	}
	var keys []string
	var vals []any
	d := json.NewDecoder(bytes.NewReader(rows[0]))
	d.UseNumber()
	if _, err := d.Token(); err != nil { // '{'
		t.Fatal(err)
	}
	for d.More() {
		k, err := d.Token()
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := d.Decode(&v); err != nil {
			t.Fatal(err)
		}
		keys, vals = append(keys, k.(string)), append(vals, v)
	}
	if want := []string{"b", "a", "a_2", "a_1", "a_3"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("keys %q, want %q", keys, want)
	}
	if want := []any{json.Number("1"), "x", json.Number("2.5"), nil, true}; !reflect.DeepEqual(vals, want) {
		t.Errorf("values %#v, want %#v", vals, want)
	}
}
