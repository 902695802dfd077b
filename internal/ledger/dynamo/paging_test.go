package dynamo_test

import (
	"bytes"
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/batonrun/baton/internal/ledger"
	"github.com/batonrun/baton/internal/ledger/dynamo"
)

// pageCounter counts the Query and Scan pages the ledger asks for.
type pageCounter struct {
	*dynamodb.Client
	queries, scans atomic.Int64
}

func (p *pageCounter) Query(ctx context.Context, in *dynamodb.QueryInput, o ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	p.queries.Add(1)
	return p.Client.Query(ctx, in, o...)
}

func (p *pageCounter) Scan(ctx context.Context, in *dynamodb.ScanInput, o ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error) {
	p.scans.Add(1)
	return p.Client.Scan(ctx, in, o...)
}

// TestPagination: a job of 3.6 MB spans several 1 MB pages; List, Count
// and Jobs read them all.
func TestPagination(t *testing.T) {
	c, ctx := client(t), context.Background()
	pc := &pageCounter{Client: c}
	l := mustNew(t, pc, newTable(t, c), dynamo.Options{})
	var want []ledger.Entry
	for a := range 4 {
		var es []ledger.Entry
		for range 3 {
			n := len(want) + len(es)
			// Keys descend so that key order (the Query's) differs from Seq order.
			es = append(es, ledger.Entry{Key: fmt.Sprintf("ckpt/%06d", 100-n), DetailType: "T", Detail: bigDetail(300*1024, byte('a'+n))})
		}
		if err := l.Append(ctx, "big", es...); err != nil {
			t.Fatalf("append %d: %v", a, err)
		}
		want = append(want, es...)
	}
	summaries := []ledger.JobSummary{{JobID: "big", Entries: len(want)}}
	for j := range 5 {
		id := fmt.Sprintf("small-%d", j)
		if err := l.Append(ctx, id, ledger.Entry{Key: "job", DetailType: "T"}); err != nil {
			t.Fatal(err)
		}
		summaries = append(summaries, ledger.JobSummary{JobID: id, Entries: 1})
	}
	pc.queries.Store(0)
	got, err := l.List(ctx, "big", "ckpt/")
	if err != nil || len(got) != len(want) {
		t.Fatalf("List = %d entries, %v; want %d", len(got), err, len(want))
	}
	for i := range want {
		if got[i].Key != want[i].Key || got[i].Seq != int64(i+1) || !bytes.Equal(got[i].Detail, want[i].Detail) {
			t.Fatalf("List[%d] = %s seq %d, want %s seq %d with exact detail", i, got[i].Key, got[i].Seq, want[i].Key, i+1)
		}
	}
	if q := pc.queries.Load(); q < 3 {
		t.Errorf("List read %d pages, want at least 3 for 3.6 MB in 1 MB pages (the last item may cross the limit)", q)
	}
	pc.queries.Store(0)
	if n, err := l.Count(ctx, "big", ""); err != nil || n != len(want) {
		t.Errorf("Count = %d, %v; want %d", n, err, len(want))
	}
	if q := pc.queries.Load(); q < 3 {
		t.Errorf("Count read %d pages, want at least 3", q)
	}
	jobs, err := l.Jobs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if pc.scans.Load() < 3 {
		t.Errorf("Jobs scanned %d pages, want at least 3", pc.scans.Load())
	}
	gotIDs := make([]string, len(jobs))
	for i, s := range jobs {
		gotIDs[i] = fmt.Sprintf("%s:%d", s.JobID, s.Entries)
	}
	wantIDs := make([]string, len(summaries))
	for i, s := range summaries {
		wantIDs[i] = fmt.Sprintf("%s:%d", s.JobID, s.Entries)
	}
	if fmt.Sprint(gotIDs) != fmt.Sprint(wantIDs) { // all times are zero: JobID order
		t.Errorf("Jobs = %v, want %v", gotIDs, wantIDs)
	}
}
