// Command flightscsv converts the vega-datasets flights Parquet file
// (data/flights-3m.parquet) to CSV or JSON Lines, streaming row by row.
//
// Usage:
//
//	flightscsv [-o FILE] [-rows N] [-every N] [-replicas K] [-jsonl] [-schema] INPUT.parquet
//
// -rows limits the input rows read (from the first); -every then keeps the
// rows at 0-based input index 0, N, 2N, ...; -replicas writes the selected
// rows K times.
//
// The output has the columns date, delay, distance, origin, destination in
// that order. CSV output has one header line, RFC 4180 quoting and LF line
// endings; JSON Lines output has one object per line. A null value becomes an
// empty CSV field or a JSON null. With -o the output is written to a
// temporary file next to FILE and renamed on success, so FILE is either
// absent or complete.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "flightscsv:", err)
		os.Exit(1)
	}
}

// run parses args, converts the input named by the one positional argument
// and writes the result to stdout or to the -o file.
func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("flightscsv", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opts Options
	out := fs.String("o", "", "write to `FILE` (atomically) instead of stdout")
	fs.Int64Var(&opts.Rows, "rows", 0, "convert only the first `N` rows (0 = all)")
	fs.Int64Var(&opts.Every, "every", 1, "keep only every `N`th row (rows 0, N, 2N, ...)")
	fs.IntVar(&opts.Replicas, "replicas", 1, "write the data rows `K` times (header once)")
	jsonl := fs.Bool("jsonl", false, "write JSON Lines instead of CSV")
	schema := fs.Bool("schema", false, "print the Parquet schema and row count, then exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("want exactly one input .parquet file, got %d arguments", fs.NArg())
	}
	if *jsonl {
		opts.Format = FormatJSONL
	}
	src, err := openParquet(fs.Arg(0))
	if err != nil {
		return err
	}
	defer src.close()
	if *schema {
		_, err := fmt.Fprintf(stdout, "%s\nrows: %d\n", src.file.Schema(), src.file.NumRows())
		return err
	}
	if *out == "" {
		_, err := Convert(stdout, src.file, opts)
		return err
	}
	return writeFileAtomic(*out, func(w io.Writer) error {
		_, err := Convert(w, src.file, opts)
		return err
	})
}

// writeFileAtomic writes via fill to a temporary file in path's directory
// and renames it to path only if fill and the close succeed.
func writeFileAtomic(path string, fill func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(dirOf(path), ".flightscsv-*.tmp")
	if err != nil {
		return fmt.Errorf("creating temporary output: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := fill(tmp); err != nil {
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("chmod %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("closing %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("renaming output to %s: %w", path, err)
	}
	return nil
}

func dirOf(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if os.IsPathSeparator(path[i]) {
			return path[:i+1]
		}
	}
	return "."
}
