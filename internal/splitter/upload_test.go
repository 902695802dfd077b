package splitter_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/joblog"
	"github.com/batonrun/baton/internal/ledger"
	ledgermem "github.com/batonrun/baton/internal/ledger/memory"
	objmem "github.com/batonrun/baton/internal/objstore/memory"
	"github.com/batonrun/baton/internal/splitter"
)

// uploadEvent is S3's "Object Created" event for key as S3 sends it:
// URL-encoded, space as '+'.
func uploadEvent(id, bucket, key, versionID string, etag ...string) events.Envelope {
	tag := "x"
	if len(etag) > 0 {
		tag = etag[0]
	}
	detail, _ := json.Marshal(map[string]any{
		"version": "0", "bucket": map[string]any{"name": bucket},
		"object": map[string]any{"key": url.QueryEscape(key), "size": 1, "etag": tag, "version-id": versionID},
		"reason": "PutObject",
	})
	return events.Envelope{Version: "0", ID: id, Source: events.SourceS3, DetailType: events.TypeS3ObjectCreated, Detail: detail}
}

func csvObject(lines int) []byte {
	var b strings.Builder
	b.WriteString("a,b\n")
	for i := range lines {
		fmt.Fprintf(&b, "%d,x\n", i)
	}
	return []byte(b.String())
}

func jobStarted(t *testing.T, l *ledgermem.Ledger, jobID string) events.JobStarted {
	t.Helper()
	e, err := l.Get(context.Background(), jobID, joblog.KeyJob)
	if err != nil {
		t.Fatal(err)
	}
	var js events.JobStarted
	if err := joblog.Decode(e, &js); err != nil {
		t.Fatal(err)
	}
	return js
}

// An upload starts a job over exactly the uploaded version, with the
// decoded key, the configured query and the format of the key's extension.
func TestUploadStartsJobOnDecodedKeyAndVersion(t *testing.T) {
	store := objmem.New(objmem.Options{Versioning: true})
	key := "in/a b+c%ü😀.csv"
	first := store.Put("bkt", key, csvObject(10))
	store.Put("bkt", key, csvObject(20)) // the upload event is for the first version
	l := ledgermem.New()
	s := splitter.New(store, l, &calls{}, splitter.Options{UploadQuery: "SELECT count(*) FROM s3object"})
	env := uploadEvent("evt-1", "bkt", key, first.VersionID, strings.Trim(first.ETag, `"`))
	if err := s.Handle(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	js := jobStarted(t, l, splitter.JobID(env, events.JobRequested{}))
	if js.Spec.Object.Key != key || js.Spec.Object.VersionID != first.VersionID || js.Spec.Object.SizeBytes != first.SizeBytes {
		t.Errorf("job pinned %+v, want key %q version %q size %d", js.Spec.Object, key, first.VersionID, first.SizeBytes)
	}
	if js.Spec.Query != "SELECT count(*) FROM s3object" || js.Spec.Format.Kind != "csv" || !js.Spec.Format.Header {
		t.Errorf("spec query %q format %+v", js.Spec.Query, js.Spec.Format)
	}
}

func TestUploadWithoutQueryIsRefused(t *testing.T) {
	s := splitter.New(objmem.New(objmem.Options{}), ledgermem.New(), &calls{}, splitter.Options{})
	if err := s.Handle(context.Background(), uploadEvent("e", "bkt", "k.csv", "", "")); !errors.Is(err, splitter.ErrNoUploadQuery) {
		t.Fatalf("err = %v, want ErrNoUploadQuery", err)
	}
}

// An upload in a format Baton cannot read fails its job in the log.
func TestUploadOfCompressedObjectFailsTheJob(t *testing.T) {
	store := objmem.New(objmem.Options{})
	store.Put("bkt", "k.csv.gz", []byte("x"))
	l := ledgermem.New()
	s := splitter.New(store, l, &calls{}, splitter.Options{UploadQuery: "SELECT count(*) FROM s3object"})
	jf := uploadFails(t, s, l, uploadEvent("e", "bkt", "k.csv.gz", "", ""))
	if jf.Code != events.CodeBadRequest || !strings.Contains(jf.Reason, ".gz files are not supported") {
		t.Fatalf("terminal %+v, want bad_request naming .gz", jf)
	}
}

// uploadFails hands s the upload env and returns the JobFailed its job
// ended with; it fails t if the job did not fail.
func uploadFails(t *testing.T, s *splitter.Splitter, l *ledgermem.Ledger, env events.Envelope) events.JobFailed {
	t.Helper()
	if err := s.Handle(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	e, err := l.Get(context.Background(), splitter.JobID(env, events.JobRequested{}), joblog.KeyTerminal)
	if err != nil {
		t.Fatal(err)
	}
	var jf events.JobFailed
	if err := joblog.Decode(e, &jf); err != nil || e.DetailType != events.TypeJobFailed {
		t.Fatalf("terminal %s %s (%v), want JobFailed", e.DetailType, e.Detail, err)
	}
	return jf
}

// Defaults fill zero limits; the preferred range size grows to fit
// MaxRanges instead of failing, and a plan of more than
// ledger.MaxAppendEntries ranges is recorded whole.
func TestDefaultsAndLargePlan(t *testing.T) {
	store := objmem.New(objmem.Options{})
	obj := store.Put("", "k.csv", csvObject(40000)) // about 300 KB
	l, bus := ledgermem.New(), &calls{}
	s := splitter.New(store, l, bus, splitter.Options{Defaults: events.Limits{RangeSizeBytes: 1024, BatchSizeBytes: 2048, MaxRanges: 250}})
	env := request(t, "e1", 0)
	if err := s.Handle(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	js := jobStarted(t, l, "job")
	want, err := splitter.Ranges(obj.SizeBytes, (obj.SizeBytes+249)/250, 250)
	if err != nil {
		t.Fatal(err)
	}
	if js.RangeCount != len(want) || js.RangeCount <= ledger.MaxAppendEntries || js.Spec.Limits.BatchSizeBytes != 2048 {
		t.Fatalf("%d ranges (want %d, over %d), batch %d", js.RangeCount, len(want), ledger.MaxAppendEntries, js.Spec.Limits.BatchSizeBytes)
	}
	if n, _ := l.Count(context.Background(), "job", joblog.PrefixPlan); n != len(want) {
		t.Fatalf("%d plan entries, want %d", n, len(want))
	}
	// A redelivery finds the whole plan and republishes it.
	before := len(bus.calls)
	if err := s.Handle(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	if got := len(bus.calls) - before; got != (len(want)+9)/10 {
		t.Fatalf("redelivery made %d publish calls, want %d", got, (len(want)+9)/10)
	}
}

// An upload whose object was overwritten before the splitter ran fails
// with object_changed (the event's ETag no longer matches); a folder
// marker starts no job.
func TestUploadETagMismatchAndFolderMarker(t *testing.T) {
	store := objmem.New(objmem.Options{})
	store.Put("bkt", "k.csv", csvObject(5))
	l := ledgermem.New()
	s := splitter.New(store, l, &calls{}, splitter.Options{UploadQuery: "SELECT count(*) FROM s3object"})
	jf := uploadFails(t, s, l, uploadEvent("e1", "bkt", "k.csv", "")) // etag "x" in the event
	if jf.Code != events.CodeObjectChanged {
		t.Fatalf("terminal %+v, want object_changed", jf)
	}
	store.Put("bkt", "dir/", nil)
	if err := s.Handle(context.Background(), uploadEvent("e2", "bkt", "dir/", "")); err != nil {
		t.Fatal(err)
	}
	if jobs, _ := l.Jobs(context.Background()); len(jobs) != 1 {
		t.Fatalf("%d jobs after a folder marker upload, want 1", len(jobs))
	}
}

// A job id reused for a different request is refused loudly, naming what
// differs; the same request again is a harmless redelivery.
func TestJobIDReuse(t *testing.T) {
	store := objmem.New(objmem.Options{})
	store.Put("", "k.csv", csvObject(50))
	store.Put("", "other.csv", csvObject(50))
	s := splitter.New(store, ledgermem.New(), &calls{}, splitter.Options{})
	first := request(t, "e1", 0)
	if err := s.Handle(context.Background(), first); err != nil {
		t.Fatal(err)
	}
	if err := s.Handle(context.Background(), request(t, "e2", 0)); err != nil {
		t.Fatalf("same request under the same job id: %v", err)
	}
	for name, mutate := range map[string]func(*events.JobRequested){
		"object": func(r *events.JobRequested) { r.Object.Key = "other.csv" },
		"query":  func(r *events.JobRequested) { r.Query = "SELECT count(*) FROM s3object WHERE a = '1'" },
		"format": func(r *events.JobRequested) { r.Format.Delimiter = ";" },
	} {
		var req events.JobRequested
		if err := events.Decode(first, &req); err != nil {
			t.Fatal(err)
		}
		mutate(&req)
		env, err := events.Encode("e3", time.Now(), req)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Handle(context.Background(), env); !errors.Is(err, splitter.ErrJobIDReused) || !strings.Contains(err.Error(), name) {
			t.Errorf("%s changed: err = %v, want ErrJobIDReused naming it", name, err)
		}
	}
}
