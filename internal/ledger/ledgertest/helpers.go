package ledgertest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/batonrun/baton/internal/ledger"
)

var baseTime = time.Date(2026, 11, 29, 10, 0, 0, 123456789, time.UTC)

func entry(key string, i int) ledger.Entry {
	return ledger.Entry{
		Key:        key,
		DetailType: "Test",
		Time:       baseTime.Add(time.Duration(i) * time.Second),
		Detail:     json.RawMessage(fmt.Sprintf(`{"i":%d,"key":%s}`, i, quote(key))),
	}
}

func mustAppend(t *testing.T, l Ledger, jobID string, es ...ledger.Entry) {
	t.Helper()
	if err := l.Append(context.Background(), jobID, es...); err != nil {
		t.Fatalf("Append(%s, %d entries): %v", jobID, len(es), err)
	}
}

// sameEntry compares everything but Seq, which the caller checks.
func sameEntry(t *testing.T, jobID string, got, want ledger.Entry) {
	t.Helper()
	if got.JobID != jobID || got.Key != want.Key || got.DetailType != want.DetailType {
		t.Errorf("entry = {%s %s %s}, want {%s %s %s}", got.JobID, got.Key, got.DetailType, jobID, want.Key, want.DetailType)
	}
	if !got.Time.Equal(want.Time) {
		t.Errorf("key %s: time = %v, want %v", want.Key, got.Time, want.Time)
	}
	if !bytes.Equal(got.Detail, want.Detail) {
		t.Errorf("key %s: detail = %q, want %q", want.Key, got.Detail, want.Detail)
	}
}

func keysOf(es []ledger.Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Key
	}
	return out
}

func seqsStrictlyIncreasing(t *testing.T, es []ledger.Entry) {
	t.Helper()
	for i := 1; i < len(es); i++ {
		if es[i].Seq <= es[i-1].Seq {
			t.Fatalf("seq not increasing at %d: %d after %d", i, es[i].Seq, es[i-1].Seq)
		}
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func quote(s string) []byte {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err) // a string always marshals
	}
	return b
}
