package main

import (
	"fmt"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// valueKind is how a column's values are rendered.
type valueKind int

const (
	kindInt       valueKind = iota // INT32 or INT64 without a time annotation
	kindTimestamp                  // INT64 TIMESTAMP, rendered in UTC wall-clock form
	kindString                     // BYTE_ARRAY, rendered as its bytes
)

// column is one output column and where its values come from.
type column struct {
	name  string
	index int // leaf column index in the Parquet schema
	kind  valueKind
	unit  time.Duration // for kindTimestamp: one tick of the stored integer
}

// lookupColumns finds every output column in schema and decides how to
// render it. It fails, naming the column, if one is missing, repeated or of
// an unsupported type.
func lookupColumns(schema *parquet.Schema) ([]column, error) {
	var cols []column
	for _, name := range columnNames() {
		leaf, ok := schema.Lookup(name)
		if !ok {
			return nil, fmt.Errorf("parquet schema has no column %q", name)
		}
		if leaf.MaxRepetitionLevel > 0 {
			return nil, fmt.Errorf("column %q is repeated; want a flat column", name)
		}
		c := column{name: name, index: leaf.ColumnIndex}
		if err := c.setKind(leaf.Node.Type()); err != nil {
			return nil, fmt.Errorf("column %q: %w", name, err)
		}
		cols = append(cols, c)
	}
	return cols, nil
}

func (c *column) setKind(t parquet.Type) error {
	switch t.Kind() {
	case parquet.Int32:
		c.kind = kindInt
	case parquet.Int64:
		c.kind = kindInt
		if lt := t.LogicalType(); lt != nil {
			if ts, ok := lt.Value.(*format.TimestampType); ok {
				c.kind, c.unit = kindTimestamp, ts.Unit.Value.Duration()
			}
		}
	case parquet.ByteArray:
		c.kind = kindString
	default:
		return fmt.Errorf("unsupported parquet type %s", t)
	}
	return nil
}
