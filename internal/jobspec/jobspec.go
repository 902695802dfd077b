// Package jobspec turns an events.JobSpec into the compiled pieces every
// handler needs: the record format, the bound query plan and its decoder.
// It is the one place that maps the event's format and limits onto the
// record and query packages.
package jobspec

import (
	"fmt"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/query"
	"github.com/batonrun/baton/internal/record"
)

// Compiled is a job spec ready to evaluate. Plan and Format are immutable
// and safe to share; NewDecoder returns a decoder for one goroutine.
type Compiled struct {
	Spec   events.JobSpec
	Format record.Format
	Plan   *query.Plan
	cols   []record.Column
}

// Format maps an events.Format and the record-size limit to record.Format.
func Format(f events.Format, maxRecordBytes int64) (record.Format, error) {
	kind, err := record.ParseKind(f.Kind)
	if err != nil {
		return record.Format{}, err
	}
	rf := record.Format{Kind: kind, Header: f.Header, MaxRecordBytes: maxRecordBytes}
	if f.Delimiter != "" {
		rf.Delimiter = f.Delimiter[0]
	}
	return rf, rf.Validate()
}

// Schema is the query schema the spec describes; paths is the JSON sample
// (nil when not validating JSON paths).
func Schema(spec events.JobSpec, paths []string) query.Schema {
	switch spec.Format.Kind {
	case "csv":
		return query.Schema{Kind: query.SchemaCSV, Columns: spec.Columns, NumFields: spec.NumFields}
	case "jsonl":
		return query.Schema{Kind: query.SchemaJSON, Paths: paths}
	}
	return query.Schema{Kind: query.SchemaLines}
}

// Compile parses and binds the spec's query. A CSV spec's NumFields becomes
// Format.Fields, so a record with another field count is a bad record. paths is the JSON field sample
// used to validate column names (nil skips that check, as workers do: the
// splitter already validated).
func Compile(spec events.JobSpec, paths []string) (*Compiled, error) {
	rf, err := Format(spec.Format, spec.Limits.MaxRecordBytes)
	if err != nil {
		return nil, err
	}
	if rf.Kind == record.CSV {
		rf.Fields = spec.NumFields // every data record must have the first one's count
	}
	q, err := query.Parse(spec.Query)
	if err != nil {
		return nil, err
	}
	plan, err := query.Bind(q, Schema(spec, paths))
	if err != nil {
		return nil, err
	}
	c := &Compiled{Spec: spec, Format: rf, Plan: plan}
	for _, ref := range plan.Columns() {
		c.cols = append(c.cols, record.Column{Index: ref.Index, Path: ref.Path})
	}
	return c, nil
}

// NewDecoder returns a decoder for the plan's columns.
func (c *Compiled) NewDecoder() (*record.Decoder, error) {
	d, err := record.NewDecoder(c.Format, c.cols)
	if err != nil {
		return nil, fmt.Errorf("building decoder: %w", err)
	}
	return d, nil
}

// QueryOptions are the accumulator limits from the spec.
func (c *Compiled) QueryOptions() query.Options {
	return query.Options{MaxGroups: c.Spec.Limits.MaxGroups, MaxRows: c.Spec.Limits.MaxRows}
}
