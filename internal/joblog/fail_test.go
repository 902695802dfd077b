package joblog_test

import (
	"context"
	"testing"
	"time"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/joblog"
	ledgermem "github.com/batonrun/baton/internal/ledger/memory"
)

type bus struct{ envs []events.Envelope }

func (b *bus) Publish(_ context.Context, envs ...events.Envelope) error {
	b.envs = append(b.envs, envs...)
	return nil
}

// FinishOnce lands the first terminal entry and publishes it; a second one
// neither lands nor publishes, and the log keeps the first.
func TestFinishOnceLandsOnce(t *testing.T) {
	ctx := context.Background()
	l, b := ledgermem.New(), &bus{}
	first := events.JobSucceeded{SchemaVersion: events.SchemaVersion, JobID: "j"}
	second := events.JobFailed{SchemaVersion: events.SchemaVersion, JobID: "j", Code: "c", Reason: "r", RangeIndex: -1}
	for i, tc := range []struct {
		d    events.Detail
		want bool
	}{{first, true}, {second, false}} {
		landed, err := joblog.FinishOnce(ctx, l, b, "j", time.Now(), "id", tc.d)
		if err != nil || landed != tc.want {
			t.Fatalf("call %d: landed %v err %v, want %v", i, landed, err, tc.want)
		}
	}
	if len(b.envs) != 1 || b.envs[0].DetailType != events.TypeJobSucceeded {
		t.Fatalf("published %d events", len(b.envs))
	}
	e, err := l.Get(ctx, "j", joblog.KeyTerminal)
	if err != nil || e.DetailType != events.TypeJobSucceeded {
		t.Fatalf("terminal %s, %v", e.DetailType, err)
	}
}
