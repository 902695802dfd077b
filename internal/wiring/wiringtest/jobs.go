package wiringtest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/splitter"
)

// Origins are the origin airports FlightsCSV cycles through.
var Origins = [...]string{"LAX", "JFK", "ORD"}

// FlightsCSV returns a CSV object shaped like the flights data (date,
// delay, distance, origin, destination) with rows rows; row i has origin
// Origins[i%3] and delay i%90-10.
func FlightsCSV(rows int) []byte {
	var b strings.Builder
	b.WriteString("date,delay,distance,origin,destination\n")
	for i := range rows {
		fmt.Fprintf(&b, "2026-01-%02d,%d,%d,%s,SFO\n", i%28+1, i%90-10, 100+i, Origins[i%3])
	}
	return []byte(b.String())
}

// StartJob stores data under key, runs the splitter on a JobRequested for
// query with rangeSizeBytes, and returns the RangeAssigned events it
// published.
func StartJob(t testing.TB, e *Env, key string, data []byte, query string, rangeSizeBytes int64) []events.RangeAssigned {
	t.Helper()
	obj := e.Store.Put("bucket", key, data)
	req := events.JobRequested{SchemaVersion: events.SchemaVersion, JobID: "job-" + key, Object: obj, Query: query,
		Format: events.Format{Kind: "csv", Header: true}, Limits: events.Limits{RangeSizeBytes: rangeSizeBytes}}
	env, err := events.Encode("req-"+key, time.Now(), req)
	if err != nil {
		t.Fatal(err)
	}
	before := len(e.Bus.Published(events.TypeRangeAssigned))
	if err := splitter.New(e.Store, e.Ledger, e.Bus, splitter.Options{}).Handle(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	var out []events.RangeAssigned
	for _, env := range e.Bus.Published(events.TypeRangeAssigned)[before:] {
		var ra events.RangeAssigned
		if err := events.Decode(env, &ra); err != nil {
			t.Fatal(err)
		}
		out = append(out, ra)
	}
	return out
}
