package record

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestLongRecordSmallBatch: a 5 MiB record read in 4 KiB batches comes
// out whole, with reads that grow (also when the reader reads again the
// bytes it keeps: then at most 3 times the data in all).
func TestLongRecordSmallBatch(t *testing.T) {
	long := strings.Repeat("x", 5<<20)
	for _, c := range []struct {
		f      Format
		reread bool
	}{{Format{}, false}, {Format{Kind: CSV}, false}, {Format{Kind: JSONL}, false},
		{Format{}, true}, {Format{Kind: CSV}, true}, {Format{Kind: JSONL}, true}} {
		f := c.f
		t.Run(fmt.Sprintf("%s reread %v", f.Kind, c.reread), func(t *testing.T) {
			body := long
			if f.Kind == JSONL {
				body = `{"k":"` + long + `"}`
			}
			if f.Kind == CSV {
				body = `"` + long + "\n" + `"` // quoted line break inside
			}
			data := []byte("a\n" + body + "\r\nb\n")
			src := &memSource{data: data, reread: c.reread}
			got, bd, err := readRange(src, f, int64(len(data)), Range{0, int64(len(data))}, 4<<10, nil)
			if err != nil {
				t.Fatal(err)
			}
			want := []rec{{0, "a"}, {2, body}, {int64(len(data)) - 2, "b"}}
			if !cmp.Equal(want, got) {
				t.Fatalf("got %d records, want 3 equal to the input", len(got))
			}
			if bd.NextRecordBytes != int64(len(data)) {
				t.Fatalf("next record %d, want %d", bd.NextRecordBytes, len(data))
			}
			if len(src.reads) > 200 {
				t.Fatalf("%d reads for a 5 MiB record: reads should grow", len(src.reads))
			}
			var read int64
			for _, r := range src.reads {
				read += r.End - r.Offset
			}
			if read > 3*int64(len(data)) {
				t.Fatalf("read %d bytes of a %d-byte object", read, len(data))
			}
		})
	}
}

func TestRecordTooLarge(t *testing.T) {
	const limit = 1000
	for _, f := range []Format{{MaxRecordBytes: limit}, {Kind: CSV, MaxRecordBytes: limit}, {Kind: JSONL, MaxRecordBytes: limit}} {
		t.Run(f.Kind.String(), func(t *testing.T) {
			ok := strings.Repeat("y", limit)
			for _, tail := range []string{"\n", "\r\n", ""} {
				data := []byte("a\n" + ok + tail)
				if _, _, err := readSplit(data, f, int64(len(data)), 7, nil); err != nil {
					t.Fatalf("record of exactly the limit: %v", err)
				}
				data = []byte("a\n" + ok + "z" + tail)
				_, _, err := readSplit(data, f, int64(len(data)), 7, nil)
				var tl *RecordTooLargeError
				if !errors.As(err, &tl) || tl.OffsetBytes != 2 || tl.LimitBytes != limit {
					t.Fatalf("want RecordTooLargeError at 2, got %v", err)
				}
			}
		})
	}
}

func TestRecordTooLargeMessage(t *testing.T) {
	err := &RecordTooLargeError{OffsetBytes: 12, LimitBytes: DefaultMaxRecordBytes}
	want := "record at byte offset 12 exceeds the 64 MiB limit; raise --max-record-size"
	if err.Error() != want {
		t.Fatalf("got %q", err.Error())
	}
}

// A reader that starts inside a quoted field (a wrong sync point) must end
// with a clear error instead of looping or panicking.
func TestWrongStartUnterminatedQuote(t *testing.T) {
	data := []byte("a,\"x\ny\",b\nc,d\n")
	// Range [3, ...) syncs to byte 5 ("y\",b"), inside the quoted field.
	_, _, err := readRange(&memSource{data: data}, Format{Kind: CSV}, int64(len(data)), Range{3, int64(len(data))}, 4, nil)
	var re *RecordError
	if !errors.As(err, &re) || re.OffsetBytes != 5 {
		t.Fatalf("want RecordError at 5, got %v", err)
	}
	data = []byte("a,\"x\n\"y,b\nc,d\n") // from 5 the quote at 5 opens and never closes
	_, _, err = readRange(&memSource{data: data}, Format{Kind: CSV}, int64(len(data)), Range{3, int64(len(data))}, 4, nil)
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "not closed before the end of the object") {
		t.Fatalf("want unterminated quote error, got %v", err)
	}
	data = append([]byte("a,\"x\n\"y"), bytes.Repeat([]byte("z\n"), 1000)...)
	_, _, err = readRange(&memSource{data: data}, Format{Kind: CSV, MaxRecordBytes: 100}, int64(len(data)), Range{3, int64(len(data))}, 4, nil)
	var tl *RecordTooLargeError
	if !errors.As(err, &tl) {
		t.Fatalf("want RecordTooLargeError, got %v", err)
	}
}

func TestResumeFromCheckpointGetsTheRest(t *testing.T) {
	data := []byte("\xEF\xBB\xBFh1,h2\r\n1,2\r\n\r\n3,\"4\n5\"\r\n6,7")
	f := Format{Kind: CSV, Header: true}
	size := int64(len(data))
	src := &memSource{data: data}
	r, err := NewReader(src, ReaderOptions{Format: f, ObjectSizeBytes: size, Range: Range{0, size}, BatchSizeBytes: 1})
	if err != nil {
		t.Fatal(err)
	}
	var first []rec
	b, err := r.ReadBatch(context.Background(), func(rec_ []byte, off int64) error {
		first = append(first, rec{off, string(rec_)})
		return nil
	})
	if err != nil || b.Records != 1 || b.Done || b.StartBytes != 0 || b.FirstRecordBytes != 10 {
		t.Fatalf("first batch %+v, %v", b, err)
	}
	rest, bd, err := func() ([]rec, Boundary, error) {
		var out []rec
		r, err := NewReader(src, ReaderOptions{Format: f, ObjectSizeBytes: size, Range: Range{0, size},
			Cursor: b.NextBytes, Synced: true, BatchSizeBytes: 1 << 20})
		if err != nil {
			return nil, Boundary{}, err
		}
		b, err := r.ReadBatch(context.Background(), func(rec_ []byte, off int64) error {
			out = append(out, rec{off, string(rec_)})
			return nil
		})
		return out, Boundary{NextRecordBytes: b.NextBytes}, err
	}()
	if err != nil || bd.NextRecordBytes != size {
		t.Fatal(err, bd)
	}
	want := []rec{{10, "1,2"}, {17, "3,\"4\n5\""}, {26, "6,7"}}
	if d := cmp.Diff(want, append(first, rest...)); d != "" {
		t.Fatalf("(-want +got):\n%s", d)
	}
}

func TestReaderOptionsValidate(t *testing.T) {
	bad := ReaderOptions{Format: Format{Kind: JSONL, Header: true, Delimiter: '"', MaxRecordBytes: -1},
		ObjectSizeBytes: 10, Range: Range{5, 20}, Cursor: 3, BatchSizeBytes: -1}
	err := bad.Validate()
	for _, want := range []string{"header", "delimiter", "max record", "range [5, 20)", "cursor 3", "batch size"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v, want it to mention %q", err, want)
		}
	}
	if err := (ReaderOptions{ObjectSizeBytes: 10, Range: Range{0, 10}}).Validate(); err != nil {
		t.Errorf("zero options: %v", err)
	}
}

// A record of exactly the default limit (64 MiB) reads with a 64 KiB batch;
// one byte more is the too-large error at its offset.
func TestDefaultLimitRecordOf64MiB(t *testing.T) {
	long := bytes.Repeat([]byte("x"), int(DefaultMaxRecordBytes))
	data := append(append([]byte("a\n"), long...), "\nb\n"...)
	var lens []int
	_, err := readWhole(data, func(rec []byte) { lens = append(lens, len(rec)) })
	if err != nil {
		t.Fatal(err)
	}
	if len(lens) != 3 || lens[1] != len(long) {
		t.Fatalf("record lengths %v, want [1 %d 1]", lens, len(long))
	}
	over := append(append([]byte("a\n"), long...), "x\nb\n"...)
	_, err = readWhole(over, func([]byte) {})
	var tl *RecordTooLargeError
	if !errors.As(err, &tl) || tl.OffsetBytes != 2 {
		t.Fatalf("want RecordTooLargeError at byte 2, got %v", err)
	}
}

// readWhole reads data as one lines-format range with 64 KiB batches.
func readWhole(data []byte, fn func([]byte)) (int, error) {
	r, err := NewReader(&memSource{data: data}, ReaderOptions{ObjectSizeBytes: int64(len(data)),
		Range: Range{0, int64(len(data))}, BatchSizeBytes: 64 << 10})
	if err != nil {
		return 0, err
	}
	n := 0
	for {
		b, err := r.ReadBatch(context.Background(), func(rec []byte, _ int64) error { fn(rec); n++; return nil })
		if err != nil || b.Done {
			return n, err
		}
	}
}
