package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/parquet-go/parquet-go"
)

// Format selects the output encoding.
type Format int

const (
	// FormatCSV is RFC 4180 CSV with a header line and LF line endings.
	FormatCSV Format = iota
	// FormatJSONL is one JSON object per line, numbers as JSON numbers.
	FormatJSONL
)

// columnNames returns the output columns, in output order; each must exist
// in the input Parquet schema as a top-level, non-repeated leaf.
func columnNames() [5]string {
	return [5]string{"date", "delay", "distance", "origin", "destination"}
}

// Options control Convert. The zero value converts all rows once as CSV.
type Options struct {
	// Rows is how many input rows to convert, from the first; 0 means all.
	Rows int64
	// Replicas is how many times the data rows are written (the CSV header
	// is written once); 0 means 1.
	Replicas int
	// Format is the output encoding; the zero value is FormatCSV.
	Format Format
}

// Validate reports every problem with o, joined.
func (o Options) Validate() error {
	var errs []error
	if o.Rows < 0 {
		errs = append(errs, fmt.Errorf("rows must be >= 0, got %d", o.Rows))
	}
	if o.Replicas < 0 {
		errs = append(errs, fmt.Errorf("replicas must be >= 1 (0 means 1), got %d", o.Replicas))
	}
	if o.Format != FormatCSV && o.Format != FormatJSONL {
		errs = append(errs, fmt.Errorf("unknown format %d", o.Format))
	}
	return errors.Join(errs...)
}

// Convert writes the rows of f to w as described by opts and returns the
// number of data rows written (input rows times replicas). It streams: memory
// use is bounded by one batch of rows plus the page buffers of the reader,
// whatever the output size. Errors from reading name the row group and row.
func Convert(w io.Writer, f *parquet.File, opts Options) (int64, error) {
	if err := opts.Validate(); err != nil {
		return 0, fmt.Errorf("invalid options: %w", err)
	}
	cols, err := lookupColumns(f.Schema())
	if err != nil {
		return 0, err
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	enc := &encoder{format: opts.Format, cols: cols}
	if opts.Format == FormatCSV {
		bw.WriteString(csvHeader())
	}
	replicas := max(opts.Replicas, 1)
	var written int64
	for r := 0; r < replicas; r++ {
		n, err := writeRows(bw, f, enc, opts.Rows)
		written += n
		if err != nil {
			return written, fmt.Errorf("replica %d: %w", r+1, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return written, fmt.Errorf("writing output: %w", err)
	}
	return written, nil
}

// writeRows encodes up to limit rows of f (0 = all) to bw.
func writeRows(bw *bufio.Writer, f *parquet.File, enc *encoder, limit int64) (int64, error) {
	var done int64
	for g, rg := range f.RowGroups() {
		n, err := writeRowGroup(bw, rg, enc, limit-done, limit == 0)
		done += n
		if err != nil {
			return done, fmt.Errorf("row group %d, row %d of the file: %w", g, done, err)
		}
		if limit != 0 && done >= limit {
			break
		}
	}
	return done, nil
}

// writeRowGroup encodes the rows of rg, at most left of them unless all.
func writeRowGroup(bw *bufio.Writer, rg parquet.RowGroup, enc *encoder, left int64, all bool) (int64, error) {
	rows := rg.Rows()
	defer rows.Close()
	buf := make([]parquet.Row, 1024)
	var done int64
	line := make([]byte, 0, 256)
	for all || done < left {
		batch := buf
		if !all && int64(len(batch)) > left-done {
			batch = batch[:left-done]
		}
		n, err := rows.ReadRows(batch)
		for _, row := range batch[:n] {
			if line, err = enc.appendRow(line[:0], row); err != nil {
				return done, err
			}
			if _, err := bw.Write(line); err != nil {
				return done, fmt.Errorf("writing output: %w", err)
			}
			done++
		}
		if errors.Is(err, io.EOF) {
			return done, nil
		}
		if err != nil {
			return done, fmt.Errorf("reading rows: %w", err)
		}
	}
	return done, nil
}

// parquetSource is an opened Parquet file and the OS file behind it.
type parquetSource struct {
	os   *os.File
	file *parquet.File
}

func openParquet(path string) (*parquetSource, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening input: %w", err)
	}
	st, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, fmt.Errorf("stat %s: %w", path, err)
	}
	pf, err := parquet.OpenFile(fh, st.Size())
	if err != nil {
		fh.Close()
		return nil, fmt.Errorf("reading parquet footer of %s: %w", path, err)
	}
	return &parquetSource{os: fh, file: pf}, nil
}

func (s *parquetSource) close() { s.os.Close() }

func csvHeader() string {
	h := ""
	for i, c := range columnNames() {
		if i > 0 {
			h += ","
		}
		h += c
	}
	return h + "\n"
}
