package plan

import (
	"fmt"
	"math"
	"time"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/ledger"
	"github.com/batonrun/baton/internal/splitter"
)

// Predict runs the model (see the package comment). It returns the inputs'
// Validate error, a range size the splitter would refuse, or an
// InvocationsPerRange whose length differs from the number of ranges.
func Predict(in Inputs) (Prediction, error) {
	if err := in.Validate(); err != nil {
		return Prediction{}, err
	}
	in = in.withDefaults()
	ranges, err := splitter.Ranges(in.ObjectBytes, in.RangeSizeBytes, splitter.DefaultMaxRanges)
	if err != nil {
		return Prediction{}, fmt.Errorf("planning ranges: %w", err)
	}
	p := Prediction{Inputs: in, Ranges: len(ranges), ThroughputBytesPerSec: throughput(in)}
	invs, err := invocations(in, ranges, p.ThroughputBytesPerSec)
	if err != nil {
		return Prediction{}, err
	}
	for i, r := range ranges {
		p.WorkerInvocations += int64(invs[i])
		p.S3GETs += ceilDiv(r.LengthBytes, in.BatchSizeBytes) + int64(invs[i]-1) + 1 // rounding per invocation, the byte before
	}
	p.S3GETs += 2 // the splitter's HEAD and header/sample read
	p.Hops = p.WorkerInvocations - int64(p.Ranges)
	p.Invocations = p.WorkerInvocations + 2
	p.Events = Events{JobRequested: 1, RangeAssigned: int64(p.Ranges), RangeContinued: p.Hops, FanInRequested: 1, JobSucceeded: 1}
	p.Ledger = ledgerCounts(p)
	p.Wall = wall(in, ranges, invs, p.ThroughputBytesPerSec)
	p.LambdaGBSeconds = gbSeconds(in, p)
	prices, _ := PricesFor(in.Region) // checked by Validate
	p.Cost = cost(prices, p)
	return p, nil
}

// throughput is the per-worker read rate in bytes per second.
func throughput(in Inputs) float64 {
	if in.ThroughputBytesPerSec > 0 {
		return in.ThroughputBytesPerSec
	}
	scan, _ := ScanBytesPerSecPerVCPU(in.Format)
	vcpus := min(float64(in.MemoryMB)/MemoryMBPerVCPU, maxVCPUs)
	return min(S3BytesPerSecPerConnection, scan*vcpus)
}

// usable is the scanning time of one invocation: its timeout less one
// batch and the commit reserve, at least one batch.
func usable(in Inputs, bps float64) time.Duration {
	batch := seconds(float64(in.BatchSizeBytes) / bps)
	return max(in.Timeout-batch-CommitReserve, batch)
}

// invocations returns each range's invocation count: given, or
// ceil(range time / usable time).
func invocations(in Inputs, ranges []events.Range, bps float64) ([]int, error) {
	if in.InvocationsPerRange != nil {
		if len(in.InvocationsPerRange) != len(ranges) {
			return nil, fmt.Errorf("%d invocation counts given for %d ranges", len(in.InvocationsPerRange), len(ranges))
		}
		return in.InvocationsPerRange, nil
	}
	u := usable(in, bps).Seconds()
	out := make([]int, len(ranges))
	for i, r := range ranges {
		out[i] = max(1, int(math.Ceil(float64(r.LengthBytes)/bps/u)))
	}
	return out, nil
}

// ledgerCounts derives the ledger's writes from the structure, and
// estimates its reads: per worker invocation Ended, this generation, the
// predecessor (after a hop), the meta item before the append and, when
// its range ends, the done count; per range one JobStarted read (cached
// by a warm container afterwards) and, after hops, generation 0; the
// splitter's and the fan-in's reads of the log (4 KB per unit).
func ledgerCounts(p Prediction) Ledger {
	r := int64(p.Ranges)
	l := Ledger{JobStarted: 1, RangePlanned: r, Checkpoints: p.WorkerInvocations, RangeCompleted: r, Terminal: 1}
	planAppends := ceilDiv(r, ledger.MaxAppendEntries)
	l.Appends = planAppends + 1 + p.WorkerInvocations + 1
	logUnits := ceilDiv((l.Entries())*1024, 4096)
	l.ReadUnits = 4*p.WorkerInvocations + p.Hops + 2*r + l.Appends + 2 + logUnits
	return l
}

// wall is the splitter's time, then the waves of ranges, then the fan-in.
func wall(in Inputs, ranges []events.Range, invs []int, bps float64) time.Duration {
	r := int64(len(ranges))
	split := ColdStart + time.Duration(ceilDiv(r, ledger.MaxAppendEntries)+1)*LedgerCall +
		time.Duration(ceilDiv(ceilDiv(r, events.MaxEntriesPerPut), splitter.PublishConcurrency))*PutEventsCall
	var longest time.Duration
	for i, rg := range ranges {
		d := seconds(float64(rg.LengthBytes)/bps) + time.Duration(invs[i])*(ColdStart+EventDelivery+CommitReserve)
		longest = max(longest, d)
	}
	waves := ceilDiv(r, int64(in.Concurrency))
	fanIn := EventDelivery + ColdStart + time.Duration(ceilDiv(3*r, 1000)+2)*LedgerCall // queries page at 1 MB
	return split + EventDelivery + time.Duration(waves)*longest + fanIn
}

// gbSeconds is the billed Lambda duration: every worker's scan, commit
// reserve and cold start at the worker's memory, plus the splitter and the
// aggregator at the same memory.
func gbSeconds(in Inputs, p Prediction) float64 {
	scan := float64(in.ObjectBytes) / p.ThroughputBytesPerSec
	perInv := (CommitReserve + ColdStart).Seconds()
	secs := scan + float64(p.Invocations)*perInv
	return secs * float64(in.MemoryMB) / 1024
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

func ceilDiv(a, b int64) int64 { return (a + b - 1) / b }
