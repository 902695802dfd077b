package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/parquet-go/parquet-go"
)

// flight is one test input row; nil means a Parquet null.
type flight struct {
	date             *time.Time
	delay, distance  *int64
	origin, destName *string
}

func ptr[T any](v T) *T { return &v }

func testFlights() []flight {
	t0 := time.Date(2001, 1, 1, 0, 1, 0, 0, time.UTC)
	return []flight{
		{ptr(t0), ptr[int64](33), ptr[int64](2176), ptr("LAS"), ptr("PHL")},
		{ptr(t0), ptr[int64](-13), ptr[int64](2345), ptr("ANC"), ptr("LAX")},
		{nil, nil, nil, nil, nil},
		{ptr(t0.Add(1234 * time.Microsecond)), ptr[int64](0), ptr[int64](75), ptr("A,B"), ptr(`say "hi"`)},
		{ptr(time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC)), ptr[int64](-1), ptr[int64](1), ptr("line\nbreak"), ptr(" lead")},
		{ptr(t0.Add(48 * time.Hour)), ptr[int64](1 << 40), ptr[int64](9), ptr("Zürich"), ptr("<a&b>")},
		{ptr(t0), ptr[int64](7), ptr[int64](8), ptr(""), ptr(`\.`)},
		{ptr(t0), ptr[int64](5), ptr[int64](6), ptr("1<2"), ptr("tab\tin")},
	}
}

// writeParquet encodes flights with encodeParquet and opens the result,
// checking that it has the row groups asked for.
func writeParquet(t *testing.T, flights []flight, rowsPerGroup int64) *parquet.File {
	t.Helper()
	data := encodeParquet(t, flights, rowsPerGroup)
	pf, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if got := len(pf.RowGroups()); int64(got) != (int64(len(flights))+rowsPerGroup-1)/rowsPerGroup {
		t.Fatalf("test file has %d row groups for %d rows of %d", got, len(flights), rowsPerGroup)
	}
	return pf
}

// encodeParquet writes flights with the same schema as flights-3m.parquet
// (its Group sorts the columns alphabetically, unlike the output order) in
// row groups of rowsPerGroup rows.
func encodeParquet(t *testing.T, flights []flight, rowsPerGroup int64) []byte {
	t.Helper()
	schema := parquet.NewSchema("root", parquet.Group{
		"date":        parquet.Optional(parquet.TimestampAdjusted(parquet.Microsecond, false)),
		"delay":       parquet.Optional(parquet.Int(64)),
		"distance":    parquet.Optional(parquet.Int(64)),
		"origin":      parquet.Optional(parquet.String()),
		"destination": parquet.Optional(parquet.String()),
	})
	idx := func(name string) int { leaf, _ := schema.Lookup(name); return leaf.ColumnIndex }
	var buf bytes.Buffer
	w := parquet.NewWriter(&buf, schema, parquet.MaxRowsPerRowGroup(rowsPerGroup))
	for _, f := range flights {
		row := make(parquet.Row, 5)
		set := func(name string, ok bool, v parquet.Value) {
			if ok {
				row[idx(name)] = v.Level(0, 1, idx(name))
			} else {
				row[idx(name)] = parquet.NullValue().Level(0, 0, idx(name))
			}
		}
		if f.date != nil {
			set("date", true, parquet.Int64Value(f.date.UnixMicro()))
		} else {
			set("date", false, parquet.Value{})
		}
		setInt := func(name string, p *int64) {
			if p != nil {
				set(name, true, parquet.Int64Value(*p))
			} else {
				set(name, false, parquet.Value{})
			}
		}
		setStr := func(name string, p *string) {
			if p != nil {
				set(name, true, parquet.ByteArrayValue([]byte(*p)))
			} else {
				set(name, false, parquet.Value{})
			}
		}
		setInt("delay", f.delay)
		setInt("distance", f.distance)
		setStr("origin", f.origin)
		setStr("destination", f.destName)
		if _, err := w.WriteRows([]parquet.Row{row}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// fields renders f as strings the way the tool documents: UTC time with
// optional fraction, decimal integers, raw strings, "" for null.
func fields(f flight) []string {
	s := make([]string, 5)
	if f.date != nil {
		s[0] = f.date.UTC().Format("2006-01-02 15:04:05.999999")
	}
	for i, p := range []*int64{f.delay, f.distance} {
		if p != nil {
			s[1+i] = strconv.FormatInt(*p, 10)
		}
	}
	for i, p := range []*string{f.origin, f.destName} {
		if p != nil {
			s[3+i] = *p
		}
	}
	return s
}

func everyNth(flights []flight, n int) []flight {
	var out []flight
	for i := 0; i < len(flights); i += n {
		out = append(out, flights[i])
	}
	return out
}

func expectedCSV(t *testing.T, flights []flight, replicas int) string {
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write([]string{"date", "delay", "distance", "origin", "destination"})
	for range replicas {
		for _, f := range flights {
			w.Write(fields(f))
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func expectedJSONL(t *testing.T, flights []flight) string {
	type rec struct {
		Date        *string `json:"date"`
		Delay       *int64  `json:"delay"`
		Distance    *int64  `json:"distance"`
		Origin      *string `json:"origin"`
		Destination *string `json:"destination"`
	}
	var b strings.Builder
	for _, f := range flights {
		r := rec{Delay: f.delay, Distance: f.distance, Origin: f.origin, Destination: f.destName}
		if f.date != nil {
			r.Date = ptr(fields(f)[0])
		}
		line, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(append(line, '\n'))
	}
	return b.String()
}

func TestConvertCSV(t *testing.T) {
	all := testFlights()
	pf := writeParquet(t, all, 3)
	for _, tc := range []struct {
		name string
		opts Options
		want []flight
		reps int
	}{
		{"all", Options{}, all, 1},
		{"first 4 crossing a row group", Options{Rows: 4}, all[:4], 1},
		{"rows beyond the end", Options{Rows: 100}, all, 1},
		{"3 replicas", Options{Replicas: 3}, all, 3},
		{"first 2 twice", Options{Rows: 2, Replicas: 2}, all[:2], 2},
		{"every 3rd", Options{Every: 3}, everyNth(all, 3), 1},
		{"every 2nd of first 5, twice", Options{Rows: 5, Every: 2, Replicas: 2}, everyNth(all[:5], 2), 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			n, err := Convert(&out, pf, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			want := expectedCSV(t, tc.want, tc.reps)
			if diff := cmp.Diff(want, out.String()); diff != "" {
				t.Errorf("CSV mismatch (-want +got):\n%s", diff)
			}
			if wantN := int64(len(tc.want) * tc.reps); n != wantN {
				t.Errorf("Convert returned %d rows, want %d", n, wantN)
			}
			assertParsesBack(t, out.String(), tc.want, tc.reps)
		})
	}
}

// assertParsesBack reads got with encoding/csv and compares the records.
func assertParsesBack(t *testing.T, got string, flights []flight, reps int) {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(got)).ReadAll()
	if err != nil {
		t.Fatalf("output is not valid CSV: %v", err)
	}
	want := [][]string{{"date", "delay", "distance", "origin", "destination"}}
	for range reps {
		for _, f := range flights {
			want = append(want, fields(f))
		}
	}
	if diff := cmp.Diff(want, recs); diff != "" {
		t.Errorf("records parsed back differ (-want +got):\n%s", diff)
	}
}

func TestConvertJSONL(t *testing.T) {
	all := testFlights()
	var out bytes.Buffer
	if _, err := Convert(&out, writeParquet(t, all, 4), Options{Format: FormatJSONL}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(expectedJSONL(t, all), out.String()); diff != "" {
		t.Errorf("JSONL mismatch (-want +got):\n%s", diff)
	}
}

func TestConvertJSONLRejectsInvalidUTF8(t *testing.T) {
	bad := []flight{{nil, nil, nil, ptr("ok"), ptr("\xff")}}
	_, err := Convert(&bytes.Buffer{}, writeParquet(t, bad, 1), Options{Format: FormatJSONL})
	if err == nil || !strings.Contains(err.Error(), `"destination"`) {
		t.Fatalf("got %v, want an invalid UTF-8 error naming destination", err)
	}
}

func TestConvertMissingColumn(t *testing.T) {
	schema := parquet.NewSchema("root", parquet.Group{"date": parquet.Int(64)})
	var buf bytes.Buffer
	w := parquet.NewWriter(&buf, schema)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	pf, err := parquet.OpenFile(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Convert(&bytes.Buffer{}, pf, Options{})
	if err == nil || !strings.Contains(err.Error(), `"delay"`) {
		t.Fatalf("got %v, want an error naming the missing column delay", err)
	}
}

func TestOptionsValidateJoinsProblems(t *testing.T) {
	err := Options{Rows: -1, Replicas: -2, Every: -3, Format: 9}.Validate()
	if err == nil {
		t.Fatal("want an error")
	}
	for _, want := range []string{"rows", "replicas", "every", "format"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

func TestRunWritesFileAtomically(t *testing.T) {
	all := testFlights()
	dir := t.TempDir()
	in := filepath.Join(dir, "in.parquet")
	if err := os.WriteFile(in, encodeParquet(t, all, 2), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.csv")
	var stderr bytes.Buffer
	if err := run([]string{"-o", out, "-rows", "3", in}, &bytes.Buffer{}, &stderr); err != nil {
		t.Fatalf("run: %v (stderr %s)", err, stderr.String())
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(expectedCSV(t, all[:3], 1), string(got)); diff != "" {
		t.Errorf("file content mismatch (-want +got):\n%s", diff)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("directory holds %d entries, want in and out only (no temp left)", len(entries))
	}
	if err := run([]string{"-o", filepath.Join(dir, "x.csv"), filepath.Join(dir, "missing.parquet")}, &bytes.Buffer{}, &stderr); err == nil {
		t.Error("want an error for a missing input")
	}
	if _, err := os.Stat(filepath.Join(dir, "x.csv")); !os.IsNotExist(err) {
		t.Errorf("failed run left an output file: %v", err)
	}
}
