package local_test

import (
	"testing"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/local"
)

func TestFormatFromPath(t *testing.T) {
	for path, want := range map[string]events.Format{
		"a.csv":        {Kind: "csv", Header: true},
		"dir/b.tsv":    {Kind: "csv", Header: true, Delimiter: "\t"},
		"c.jsonl":      {Kind: "jsonl"},
		"c.ndjson":     {Kind: "jsonl"},
		"c.json":       {Kind: "jsonl"},
		"server.log":   {Kind: "lines"},
		"no-extension": {Kind: "lines"},
	} {
		got, err := local.FormatFromPath(path)
		if err != nil || got != want {
			t.Errorf("%s: got %+v, %v; want %+v", path, got, err, want)
		}
	}
	for _, path := range []string{"x.csv.gz", "x.parquet", "x.zst"} {
		if _, err := local.FormatFromPath(path); err == nil {
			t.Errorf("%s: no error for a compressed or columnar file", path)
		}
	}
}
