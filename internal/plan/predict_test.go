package plan_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/batonrun/baton/internal/plan"
)

// Invocations per range follow ceil(range time / (timeout - batch time -
// commit reserve)), computed here by hand for an injected throughput.
func TestInvocationsFromTimeout(t *testing.T) {
	const bps = 1e6 // 1 MB/s
	in := plan.Inputs{ObjectBytes: 100 << 20, RangeSizeBytes: 32 << 20, BatchSizeBytes: 1 << 20,
		Timeout: 10 * time.Second, ThroughputBytesPerSec: bps}
	p, err := plan.Predict(in)
	if err != nil {
		t.Fatal(err)
	}
	usable := 10 - float64(1<<20)/bps - plan.CommitReserve.Seconds()
	var want int64
	for off := int64(0); off < in.ObjectBytes; off += in.RangeSizeBytes {
		n := min(in.RangeSizeBytes, in.ObjectBytes-off)
		want += int64(math.Ceil(float64(n) / bps / usable))
	}
	if p.Ranges != 4 || p.WorkerInvocations != want || p.Hops != want-4 {
		t.Fatalf("ranges %d, invocations %d, hops %d; want 4, %d, %d", p.Ranges, p.WorkerInvocations, p.Hops, want, want-4)
	}
	if p.Events.RangeContinued != p.Hops || p.Events.Total() != 4+p.Hops+3 {
		t.Fatalf("events %+v", p.Events)
	}
	// plan: 1 append of 4 entries; JobStarted; one per invocation; terminal.
	if p.Ledger.Appends != 1+1+want+1 || p.Ledger.Entries() != 4+1+want+4+1 {
		t.Fatalf("ledger %+v", p.Ledger)
	}
}

// Throughput is S3's per-connection cap unless the scan rate times the
// vCPUs at that memory is lower.
func TestThroughputCap(t *testing.T) {
	for _, tc := range []struct {
		memory int
		format string
	}{{1769, "csv"}, {128, "csv"}, {256, "jsonl"}, {10240, "lines"}} {
		p, err := plan.Predict(plan.Inputs{ObjectBytes: 1 << 30, MemoryMB: tc.memory, Format: tc.format})
		if err != nil {
			t.Fatal(err)
		}
		scan, _ := plan.ScanBytesPerSecPerVCPU(tc.format)
		want := math.Min(plan.S3BytesPerSecPerConnection, scan*math.Min(float64(tc.memory)/plan.MemoryMBPerVCPU, 6))
		if p.ThroughputBytesPerSec != want {
			t.Errorf("%d MB %s: %v, want %v", tc.memory, tc.format, p.ThroughputBytesPerSec, want)
		}
	}
}

// The total is the sum of the lines, and each line is its quantity at the
// region's price.
func TestCostLines(t *testing.T) {
	for _, region := range []string{"us-east-1", "eu-west-1"} {
		p, err := plan.Predict(plan.Inputs{ObjectBytes: 1 << 40, Region: region})
		if err != nil {
			t.Fatal(err)
		}
		pr, err := plan.PricesFor(region)
		if err != nil {
			t.Fatal(err)
		}
		per := []float64{pr.LambdaGBSecond, pr.LambdaPerMillion / 1e6, pr.EventsPerMillion / 1e6,
			pr.DynamoWRUPerMillion / 1e6, pr.DynamoRRUPerMillion / 1e6, pr.S3GETPer1000 / 1000}
		var sum float64
		for i, l := range p.Cost.Lines {
			if math.Abs(l.USD-l.Quantity*per[i]) > 1e-12 {
				t.Errorf("%s %s: %v USD for %v", region, l.Item, l.USD, l.Quantity)
			}
			sum += l.USD
		}
		if math.Abs(sum-p.Cost.TotalUSD) > 1e-12 || sum <= 0 {
			t.Errorf("%s: total %v, lines sum %v", region, p.Cost.TotalUSD, sum)
		}
		if p.Cost.Lines[2].Quantity != float64(p.Events.Total()) || p.Cost.Lines[3].Quantity != float64(p.Ledger.WriteUnits()) {
			t.Errorf("%s: quantities %+v", region, p.Cost.Lines)
		}
	}
}

func TestValidateJoinsProblems(t *testing.T) {
	err := plan.Inputs{ObjectBytes: -1, MemoryMB: 20000, Concurrency: -2, Region: "mars-1", Format: "xml",
		InvocationsPerRange: []int{0}}.Validate()
	for _, want := range []string{"object size -1", "memory 20000", "concurrency -2", `region "mars-1"`, `format "xml"`, "range 0: 0 invocations"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
	if _, err := plan.Predict(plan.Inputs{ObjectBytes: 1 << 20, RangeSizeBytes: 256 << 10, InvocationsPerRange: []int{1}}); err == nil {
		t.Error("1 invocation count for 4 ranges was accepted")
	}
}
