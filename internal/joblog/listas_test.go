package joblog_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/joblog"
	"github.com/batonrun/baton/internal/ledger"
	ledgermem "github.com/batonrun/baton/internal/ledger/memory"
)

// failingLister fails every List.
type failingLister struct{}

func (failingLister) List(context.Context, string, string) ([]ledger.Entry, error) {
	return nil, errors.New("disk on fire")
}

// ListAs returns the entries under the prefix in append order, decoded; an
// entry of another detail-type under the prefix and a List error are
// errors that say where.
func TestListAs(t *testing.T) {
	ctx := context.Background()
	l := ledgermem.New()
	put := func(key string, d events.Detail) {
		e, err := joblog.NewEntry("j", key, time.Unix(1, 0), d)
		if err != nil {
			t.Fatal(err)
		}
		if err := l.Append(ctx, "j", e); err != nil {
			t.Fatal(err)
		}
	}
	order := []int{2, 0, 1}
	for _, i := range order {
		put(joblog.DoneKey(i), events.RangeCompleted{SchemaVersion: events.SchemaVersion, JobID: "j", RangeIndex: i, Generations: 1, NextRecordBytes: int64(10 * (i + 1))})
	}
	got, err := joblog.ListAs[events.RangeCompleted](ctx, l, "j", joblog.PrefixDone, "done ranges")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("got %d entries, want 3", len(got))
	}
	for k, rc := range got {
		if i := order[k]; rc.RangeIndex != i || rc.NextRecordBytes != int64(10*(i+1)) {
			t.Errorf("entry %d: %+v, want range %d", k, rc, i)
		}
	}
	if _, err := joblog.ListAs[events.RangeFailed](ctx, l, "j", joblog.PrefixDone, "failed ranges"); err == nil ||
		!strings.Contains(err.Error(), joblog.DoneKey(2)) {
		t.Errorf("another detail-type: got %v, want an error naming the entry", err)
	}
	if _, err := joblog.ListAs[events.RangeCompleted](ctx, failingLister{}, "j", joblog.PrefixDone, "done ranges"); err == nil ||
		!strings.Contains(err.Error(), "listing done ranges: disk on fire") {
		t.Errorf("List error: got %v", err)
	}
}
