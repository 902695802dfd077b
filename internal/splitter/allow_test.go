package splitter_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/batonrun/baton/events"
	ledgermem "github.com/batonrun/baton/internal/ledger/memory"
	objmem "github.com/batonrun/baton/internal/objstore/memory"
	"github.com/batonrun/baton/internal/splitter"
)

// countingStore counts every call that touches an object.
type countingStore struct {
	splitter.ObjectStore
	calls atomic.Int64
}

func (c *countingStore) Head(ctx context.Context, bucket, key, versionID string) (events.ObjectRef, error) {
	c.calls.Add(1)
	return c.ObjectStore.Head(ctx, bucket, key, versionID)
}

func (c *countingStore) ReadRange(ctx context.Context, obj events.ObjectRef, off, n int64) ([]byte, error) {
	c.calls.Add(1)
	return c.ObjectStore.ReadRange(ctx, obj, off, n)
}

// Whatever the event names, only objects inside an allowed bucket or
// bucket/prefix start a job; a refused one is never read, leaves no ledger
// entry and returns ErrNotAllowed (so it reaches the dead-letter queue).
func TestAllowedSources(t *testing.T) {
	allow := []string{"input", "shared/team-a/"}
	cases := []struct {
		bucket, key string
		ok          bool
	}{
		{"input", "k.csv", true},
		{"input", "deep/dir/k.csv", true},
		{"shared", "team-a/k.csv", true},
		{"shared", "team-b/k.csv", false},
		{"shared", "team-a", false},  // the folder itself is not under "team-a/"
		{"shared", "k.csv", false},   // bucket listed only with a prefix
		{"payloads", "k.csv", false}, // e.g. the claim-check bucket
		{"inputs", "k.csv", false},   // bucket names match exactly
		{"Input", "k.csv", false},
	}
	for _, tc := range cases {
		t.Run(tc.bucket+"/"+tc.key, func(t *testing.T) {
			mem := objmem.New(objmem.Options{})
			obj := mem.Put(tc.bucket, tc.key, []byte("a\n1\n2\n"))
			store := &countingStore{ObjectStore: mem}
			l := ledgermem.New()
			bus := &calls{}
			s := splitter.New(store, l, bus, splitter.Options{AllowedSources: allow})
			env, err := events.Encode("ev-1", time.Now(), events.JobRequested{SchemaVersion: events.SchemaVersion,
				Object: events.ObjectRef{Bucket: obj.Bucket, Key: obj.Key}, Query: "SELECT count(*) FROM s3object",
				Format: events.Format{Kind: "csv", Header: true}})
			if err != nil {
				t.Fatal(err)
			}
			err = s.Handle(context.Background(), env)
			jobs, _ := l.Jobs(context.Background())
			if tc.ok {
				if err != nil || len(jobs) != 1 || len(bus.calls) == 0 {
					t.Fatalf("allowed object: err %v, %d jobs, %d publishes", err, len(jobs), len(bus.calls))
				}
				return
			}
			if !errors.Is(err, splitter.ErrNotAllowed) || !strings.Contains(err.Error(), "s3://"+tc.bucket+"/"+tc.key) {
				t.Fatalf("refused object: err %v, want ErrNotAllowed naming the object", err)
			}
			if n := store.calls.Load(); n != 0 || len(jobs) != 0 || len(bus.calls) != 0 {
				t.Fatalf("refused object: %d store calls, %d jobs, %d publishes; want none", n, len(jobs), len(bus.calls))
			}
		})
	}
}

// An S3 upload outside the allow-list is refused the same way: the
// EventBridge rule's bucket filter is not the only guard.
func TestAllowedSourcesUpload(t *testing.T) {
	mem := objmem.New(objmem.Options{})
	mem.Put("other", "k.csv", []byte("a\n1\n"))
	store := &countingStore{ObjectStore: mem}
	l := ledgermem.New()
	s := splitter.New(store, l, &calls{}, splitter.Options{UploadQuery: "SELECT count(*) FROM s3object", AllowedSources: []string{"input"}})
	err := s.Handle(context.Background(), uploadEvent("u-1", "other", "k.csv", ""))
	jobs, _ := l.Jobs(context.Background())
	if !errors.Is(err, splitter.ErrNotAllowed) || store.calls.Load() != 0 || len(jobs) != 0 {
		t.Fatalf("err %v, %d store calls, %d jobs", err, store.calls.Load(), len(jobs))
	}
}

// The zero Options allow everything (the local runtime's default).
func TestNoAllowListAllowsAll(t *testing.T) {
	mem := objmem.New(objmem.Options{})
	obj := mem.Put("any-bucket", "k.csv", []byte("a\n1\n"))
	s := splitter.New(mem, ledgermem.New(), &calls{}, splitter.Options{})
	env, err := events.Encode("ev", time.Now(), events.JobRequested{SchemaVersion: events.SchemaVersion,
		Object: events.ObjectRef{Bucket: obj.Bucket, Key: obj.Key}, Query: "SELECT count(*) FROM s3object", Format: events.Format{Kind: "csv"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Handle(context.Background(), env); err != nil {
		t.Fatal(err)
	}
}

// Validate names every bad entry; a list of only bad entries refuses all.
func TestAllowedSourcesValidate(t *testing.T) {
	o := splitter.Options{AllowedSources: []string{"ok", "", "/prefix", "b/*.csv", "a b"}}
	err := o.Validate()
	for _, want := range []string{`[1] ""`, `[2] "/prefix"`, `[3] "b/*.csv"`, `[4] "a b"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v, want it to name %s", err, want)
		}
	}
	if err != nil && strings.Contains(err.Error(), `"ok"`) {
		t.Errorf("Validate() reports the good entry: %v", err)
	}
	if err := (splitter.Options{AllowedSources: []string{"b", "b/p/"}}).Validate(); err != nil {
		t.Errorf("good list: %v", err)
	}
	mem := objmem.New(objmem.Options{})
	obj := mem.Put("b", "k.csv", []byte("a\n"))
	s := splitter.New(mem, ledgermem.New(), &calls{}, splitter.Options{AllowedSources: []string{"*"}})
	env, _ := events.Encode("ev", time.Now(), events.JobRequested{SchemaVersion: events.SchemaVersion,
		Object: events.ObjectRef{Bucket: obj.Bucket, Key: obj.Key}, Query: "SELECT count(*) FROM s3object", Format: events.Format{Kind: "csv"}})
	if err := s.Handle(context.Background(), env); !errors.Is(err, splitter.ErrNotAllowed) {
		t.Fatalf("wildcard-only list: %v, want ErrNotAllowed", err)
	}
}
