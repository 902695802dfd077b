package record

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"
)

// genObject is a random object plus what the generator knows about it.
type genObject struct {
	data           []byte
	format         Format
	quotedNewlines bool
}

var fieldAlphabet = []string{"a", "b", "7", " ", "é", "日", ",", ";", "\"", "\t", "x"}

func genField(t *rapid.T, delim byte, newlines bool) string {
	alpha := fieldAlphabet
	if newlines {
		alpha = append(append([]string(nil), alpha...), "\n", "\r\n")
	}
	n := rapid.IntRange(0, 6).Draw(t, "fieldLen")
	if rapid.IntRange(0, 20).Draw(t, "long") == 0 {
		n = rapid.IntRange(100, 3000).Draw(t, "longLen")
	}
	var sb strings.Builder
	for range n {
		sb.WriteString(alpha[rapid.IntRange(0, len(alpha)-1).Draw(t, "ch")])
	}
	s := sb.String()
	if strings.ContainsAny(s, "\"\r\n"+string(delim)) || rapid.Bool().Draw(t, "quote") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

func genLine(t *rapid.T, kind Kind, delim byte, newlines bool) string {
	switch kind {
	case CSV:
		n := rapid.IntRange(1, 4).Draw(t, "fields")
		fs := make([]string, n)
		for i := range fs {
			fs[i] = genField(t, delim, newlines)
		}
		return strings.Join(fs, string(delim))
	case JSONL:
		if rapid.IntRange(0, 5).Draw(t, "blank") == 0 {
			return []string{"", " ", "\t ", " \r"}[rapid.IntRange(0, 3).Draw(t, "ws")]
		}
		return `{"k":` + rapid.StringMatching(`[0-9]{1,4}`).Draw(t, "num") + `,"s":"é\"日` +
			strings.Repeat("z", rapid.IntRange(0, 40).Draw(t, "pad")) + `"}`
	}
	alpha := []string{"a", "é", "日", "\r", " ", ",", "\""}
	n := rapid.IntRange(0, 8).Draw(t, "lineLen")
	if rapid.IntRange(0, 20).Draw(t, "long") == 0 {
		n = rapid.IntRange(100, 3000).Draw(t, "longLen")
	}
	var sb strings.Builder
	for range n {
		sb.WriteString(alpha[rapid.IntRange(0, len(alpha)-1).Draw(t, "ch")])
	}
	return sb.String()
}

func genObj(t *rapid.T) genObject {
	g := genObject{format: Format{Kind: Kind(rapid.IntRange(0, 2).Draw(t, "kind"))}}
	if g.format.Kind == CSV {
		g.format.Header = rapid.Bool().Draw(t, "header")
		g.format.Delimiter = rapid.SampledFrom([]byte{',', ';', '\t'}).Draw(t, "delim")
		g.quotedNewlines = rapid.IntRange(0, 3).Draw(t, "qnl") == 0
	}
	var b bytes.Buffer
	if rapid.IntRange(0, 3).Draw(t, "bom") == 0 {
		b.Write(bom)
	}
	n := rapid.IntRange(0, 30).Draw(t, "records")
	for i := range n {
		if rapid.IntRange(0, 6).Draw(t, "empty") == 0 {
			b.WriteString(rapid.SampledFrom([]string{"\n", "\r\n"}).Draw(t, "emptyNL"))
		}
		b.WriteString(genLine(t, g.format.Kind, g.format.delim(), g.quotedNewlines))
		if i < n-1 || rapid.Bool().Draw(t, "finalNL") {
			b.WriteString(rapid.SampledFrom([]string{"\n", "\r\n"}).Draw(t, "nl"))
		}
	}
	g.data = b.Bytes()
	return g
}

// reference computes the records of the whole object independently of the
// Reader: bytes.Split for lines and JSONL, encoding/csv for CSV.
func reference(g genObject) (lines []rec, fields [][]string, err error) {
	switch g.format.Kind {
	case CSV:
		fields, err = refCSV(g.data, g.format.delim(), g.format.Header)
		return nil, fields, err
	case JSONL:
		for _, r := range refLines(g.data) {
			if strings.Trim(r.Data, " \t\r") != "" {
				lines = append(lines, r)
			}
		}
		return lines, nil, nil
	}
	return refLines(g.data), nil, nil
}

func TestPropertyRangesEqualSinglePass(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		g := genObj(t)
		orig := bytes.Clone(g.data)
		size := int64(len(g.data))
		rangeSize := rapid.Int64Range(1, size+2).Draw(t, "rangeSize")
		batch := rapid.SampledFrom([]int64{1, 3, 7, 16, 100, 4096}).Draw(t, "batch")
		rnd := rand.New(rand.NewPCG(rapid.Uint64().Draw(t, "seed"), 1))
		refLinesOut, refFields, refErr := reference(g)
		if refErr != nil {
			t.Fatalf("reference rejected generated data: %v", refErr)
		}
		got, bs, err := readSplit(g.data, g.format, rangeSize, batch, randomHops(rnd, 0.5))
		if !bytes.Equal(orig, g.data) {
			t.Fatalf("reader modified the source buffer")
		}
		chainErr := CheckChain(bs)
		if g.quotedNewlines && (err != nil || chainErr != nil) {
			if err != nil && !isFormatError(err) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			whole, _, werr := readSplit(g.data, g.format, size+1, batch, nil)
			if werr != nil {
				t.Fatalf("single range failed: %v", werr)
			}
			compareRecords(t, g, whole, refLinesOut, refFields)
			return
		}
		if err != nil || chainErr != nil {
			t.Fatalf("read: %v; chain: %v", err, chainErr)
		}
		compareRecords(t, g, got, refLinesOut, refFields)
	})
}

func isFormatError(err error) bool {
	var re *RecordError
	var tl *RecordTooLargeError
	return errors.As(err, &re) || errors.As(err, &tl)
}

func compareRecords(t interface {
	Fatalf(string, ...any)
}, g genObject, got []rec, refLinesOut []rec, refFields [][]string) {
	if g.format.Kind != CSV {
		if d := cmp.Diff(refLinesOut, got, cmpopts.EquateEmpty()); d != "" {
			t.Fatalf("records differ from reference (-want +got):\n%s", d)
		}
		return
	}
	fields, err := fieldsOf(got, g.format.delim())
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if d := cmp.Diff(refFields, fields, cmpopts.EquateEmpty()); d != "" {
		t.Fatalf("fields differ from encoding/csv (-want +got):\n%s", d)
	}
}
