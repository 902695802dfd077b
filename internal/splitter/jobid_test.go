package splitter_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/ids"
	ledgermem "github.com/batonrun/baton/internal/ledger/memory"
	objmem "github.com/batonrun/baton/internal/objstore/memory"
	"github.com/batonrun/baton/internal/splitter"
)

// Job ids are unguessable: a request without JobID gets ids.Derive of its
// EventBridge event id (itself random per PutEvents entry), never anything
// computed from the object or the query. Two requests for the same object
// and query get different jobs; the id holds neither the key nor the
// bucket; a redelivery (same event id) maps to the same job.
func TestJobIDsAreNotFromTheRequest(t *testing.T) {
	mem := objmem.New(objmem.Options{})
	obj := mem.Put("bucket-name", "secret/report-2026.csv", []byte("a\n1\n"))
	l := ledgermem.New()
	s := splitter.New(mem, l, &calls{}, splitter.Options{})
	req := events.JobRequested{SchemaVersion: events.SchemaVersion, Object: events.ObjectRef{Bucket: obj.Bucket, Key: obj.Key},
		Query: "SELECT count(*) FROM s3object", Format: events.Format{Kind: "csv", Header: true}}
	ids := map[string]bool{}
	for _, eventID := range []string{"e7f0c1d2-1", "e7f0c1d2-2", "e7f0c1d2-1"} {
		env, err := events.Encode(eventID, time.Now(), req)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Handle(context.Background(), env); err != nil {
			t.Fatal(err)
		}
		id := splitter.JobID(env, req)
		for _, leak := range []string{"secret", "report", "bucket", "2026", "e7f0c1d2"} {
			if strings.Contains(id, leak) {
				t.Errorf("job id %q contains %q from the request", id, leak)
			}
		}
		if len(id) != 26 || strings.Trim(id, "abcdefghijklmnopqrstuvwxyz234567") != "" {
			t.Errorf("job id %q is not 128 bits in lowercase base32", id)
		}
		ids[id] = true
	}
	jobs, err := l.Jobs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 2 || len(jobs) != 2 {
		t.Fatalf("%d ids, %d jobs for two distinct requests and one redelivery, want 2 and 2", len(ids), len(jobs))
	}
	for _, j := range jobs {
		if !ids[j.JobID] {
			t.Errorf("ledger job %q is not one of the derived ids", j.JobID)
		}
	}
}

// ids.New (128 random bits: JobRequested ids minted by clients and the
// splitter's event ids, from which redriven jobs derive nothing) never repeats and carries
// no structure: across many ids no two share their first 8 characters
// (40 bits; a repeat among 2,000 ids has odds of about 2e-6).
func TestNewIDsDoNotRepeat(t *testing.T) {
	seen := map[string]bool{}
	prefixes := map[string]bool{}
	for range 2000 {
		id := ids.New()
		if seen[id] || prefixes[id[:8]] {
			t.Fatalf("id %q repeats a previous id or its 40-bit prefix", id)
		}
		seen[id], prefixes[id[:8]] = true, true
	}
}
