package record

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A quoted line break inside range 0 is fine; one that crosses into range 1
// makes range 1 sync inside the field, and CheckChain must say so.
func TestCheckChainQuotedNewline(t *testing.T) {
	data := []byte("id,note\n1,\"two\nlines\"\n2,plain\n")
	want, err := refCSV(data, ',', true)
	if err != nil {
		t.Fatal(err)
	}
	size := int64(len(data))
	for s := int64(1); s < size; s++ {
		src := &memSource{data: data}
		r0, b0, err0 := readRange(src, Format{Kind: CSV, Header: true}, size, Range{0, s}, 3, nil)
		r1, b1, err1 := readRange(src, Format{Kind: CSV, Header: true}, size, Range{s, size}, 3, nil)
		chain := CheckChain([]Boundary{b0, b1})
		crosses := s > 8 && s <= 15 // the record at 8 is in range 0; range 1 syncs to 15, inside its field
		var be *BoundaryError
		switch {
		case crosses && err0 == nil && err1 == nil:
			if !errors.As(chain, &be) || be.BoundaryBytes != s || !strings.Contains(chain.Error(), "--range-size") {
				t.Fatalf("split at %d: want a BoundaryError at %d, got %v", s, s, chain)
			}
		case crosses:
			// range 1 read from inside the field and failed on its own: also an error.
		default:
			if err := errors.Join(err0, err1, chain); err != nil {
				t.Fatalf("split at %d: %v", s, err)
			}
			fields, err := fieldsOf(append(r0, r1...), ',')
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(want, fields); d != "" {
				t.Fatalf("split at %d (-want +got):\n%s", s, d)
			}
		}
	}
}

func TestCheckChainShape(t *testing.T) {
	ok := []Boundary{
		{Range{0, 10}, 0, 12},
		{Range{10, 20}, 12, 20},
		{Range{20, 25}, 20, 25},
	}
	if err := CheckChain(ok); err != nil {
		t.Fatal(err)
	}
	gap := []Boundary{{Range{0, 10}, 0, 10}, {Range{11, 20}, 11, 20}}
	if err := CheckChain(gap); err == nil || !strings.Contains(err.Error(), "not contiguous") {
		t.Fatalf("gap: %v", err)
	}
	mismatch := []Boundary{{Range{0, 10}, 0, 14}, {Range{10, 20}, 12, 20}}
	var be *BoundaryError
	if err := CheckChain(mismatch); !errors.As(err, &be) || be.Index != 0 || be.NextBytes != 14 || be.SyncBytes != 12 {
		t.Fatalf("mismatch: %v", err)
	}
	if err := CheckChain([]Boundary{{Range{5, 10}, 5, 10}}); err == nil {
		t.Fatal("a chain not starting at 0 was accepted")
	}
}

// A range that syncs inside a quoted field can read "records" without any
// error (here range 1 reads `",2,"` as a record); only the chain check
// reveals that it started at a false record start.
func TestCheckChainCatchesSilentMisparse(t *testing.T) {
	data := []byte("1,\"a\n\",2,\"\n\"\n3,x\n") // one record [1, "a\n", 2, "\n"], then [3, x]
	size := int64(len(data))
	f := Format{Kind: CSV}
	src := &memSource{data: data}
	_, b0, err0 := readRange(src, f, size, Range{0, 3}, 4, nil)
	r1, b1, err1 := readRange(src, f, size, Range{3, 11}, 4, nil)
	if err := errors.Join(err0, err1); err != nil {
		t.Fatal(err)
	}
	if len(r1) != 1 || r1[0].Off != 5 {
		t.Fatalf("range 1 read %v; the test expects one misparsed record at 5", r1)
	}
	var be *BoundaryError
	err := CheckChain([]Boundary{b0, b1})
	if !errors.As(err, &be) || be.BoundaryBytes != 3 || be.NextBytes != 13 || be.SyncBytes != 5 {
		t.Fatalf("want BoundaryError at 3 (13 vs 5), got %v", err)
	}
}
