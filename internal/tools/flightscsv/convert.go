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
	// Every keeps only the rows whose 0-based input index is a multiple of
	// Every (a systematic sample); 0 means 1, every row.
	Every int64
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
	if o.Every < 0 {
		errs = append(errs, fmt.Errorf("every must be >= 1 (0 means 1), got %d", o.Every))
	}
	if o.Format != FormatCSV && o.Format != FormatJSONL {
		errs = append(errs, fmt.Errorf("unknown format %d", o.Format))
	}
	return errors.Join(errs...)
}

// Convert writes the rows of f to w as described by opts and returns the
// number of data rows written (selected input rows times replicas). It streams: memory
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
	var written int64
	for r := range max(opts.Replicas, 1) {
		p := pass{out: bw, enc: enc, limit: opts.Rows, every: max(opts.Every, 1)}
		err := p.run(f)
		written += p.written
		if err != nil {
			return written, fmt.Errorf("replica %d: %w", r+1, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return written, fmt.Errorf("writing output: %w", err)
	}
	return written, nil
}

// pass is one read of the file's rows, writing the selected ones.
type pass struct {
	out   *bufio.Writer
	enc   *encoder
	limit int64 // input rows to read; 0 = all
	every int64 // write rows whose 0-based input index is a multiple of every
	line  []byte

	read, written int64
}

// run reads the row groups of f in order until the limit.
func (p *pass) run(f *parquet.File) error {
	for g, rg := range f.RowGroups() {
		if p.limit != 0 && p.read >= p.limit {
			break
		}
		if err := p.rowGroup(rg); err != nil {
			return fmt.Errorf("row group %d, near row %d of the file: %w", g, p.read, err)
		}
	}
	return nil
}

// rowGroup reads the rows of rg in batches, up to the limit.
func (p *pass) rowGroup(rg parquet.RowGroup) error {
	rows := rg.Rows()
	defer rows.Close()
	buf := make([]parquet.Row, 1024)
	for p.limit == 0 || p.read < p.limit {
		batch := buf
		if p.limit != 0 && int64(len(batch)) > p.limit-p.read {
			batch = batch[:p.limit-p.read]
		}
		n, readErr := rows.ReadRows(batch)
		if err := p.writeBatch(batch[:n]); err != nil {
			return err
		}
		if errors.Is(readErr, io.EOF) {
			return nil
		}
		if readErr != nil {
			return fmt.Errorf("reading rows: %w", readErr)
		}
	}
	return nil
}

func (p *pass) writeBatch(batch []parquet.Row) error {
	for _, row := range batch {
		keep := p.read%p.every == 0
		p.read++
		if !keep {
			continue
		}
		var err error
		if p.line, err = p.enc.appendRow(p.line[:0], row); err != nil {
			return err
		}
		if _, err := p.out.Write(p.line); err != nil {
			return fmt.Errorf("writing output: %w", err)
		}
		p.written++
	}
	return nil
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
