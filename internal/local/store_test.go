package local_test

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/local"
	"github.com/batonrun/baton/internal/objstore/memory"
)

// A job over an object store chosen by the caller gives the same result
// table as the same bytes read from a local file, and reads only the
// caller's bucket and key.
func TestCallerStoreMatchesLocalFile(t *testing.T) {
	path := "../../testdata/flights-sample.csv"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	mem := memory.New(memory.Options{})
	mem.Put("flights", "in/flights sample+1.csv", data)
	cfg := local.Config{Format: events.Format{Kind: "csv", Header: true},
		Query:  "SELECT origin, destination, count(*), sum(distance), min(delay) FROM s3object WHERE delay > 10 GROUP BY origin, destination ORDER BY 3 DESC, 1, 2 LIMIT 50",
		Limits: events.Limits{RangeSizeBytes: 300 << 10, BatchSizeBytes: 32 << 10}}
	fileCfg := cfg
	fileCfg.Path = path
	storeCfg := cfg
	storeCfg.Store, storeCfg.Bucket, storeCfg.Path = mem, "flights", "in/flights sample+1.csv"
	want, got := run(t, fileCfg), run(t, storeCfg)
	if len(want.Succeeded.Result.Rows) == 0 {
		t.Fatal("the reference run has no rows")
	}
	if d := cmp.Diff(want.Succeeded.Result, got.Succeeded.Result); d != "" {
		t.Errorf("result over the caller's store (-file +store):\n%s", d)
	}
	for _, c := range mem.Calls() {
		if c.Bucket != "flights" || c.Key != "in/flights sample+1.csv" {
			t.Fatalf("read %s/%s", c.Bucket, c.Key)
		}
	}
}

func TestBucketNeedsStore(t *testing.T) {
	err := local.Config{Path: "k.csv", Bucket: "b", Query: "SELECT count(*) FROM s3object", Format: events.Format{Kind: "csv"}}.Validate()
	if err == nil || !strings.Contains(err.Error(), `bucket "b" needs an object store`) {
		t.Errorf("Validate = %v", err)
	}
}
