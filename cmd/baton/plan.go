package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/spf13/cobra"

	"github.com/batonrun/baton/internal/plan"
)

type planFlags struct {
	concurrency, memoryMB int
	timeout               time.Duration
	rangeSize, batchSize  string
	format, region        string
}

func newPlanCmd(g *globals) *cobra.Command {
	f := &planFlags{}
	cmd := &cobra.Command{
		Use:   "plan SIZE|s3://BUCKET/KEY",
		Short: "Predict a job's wall time, invocations, events, ledger writes, S3 requests and cost on AWS",
		Long: "plan runs Baton's documented model (internal/plan): the ranges, invocations and events are\n" +
			"Baton's own structure; wall time and cost are estimates from cited throughput, latency and price\n" +
			"constants. SIZE takes units (940MB, 1TiB); an s3:// object is sized with HeadObject.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in, err := f.inputs(cmd, g, args[0])
			if err != nil {
				return err
			}
			p, err := plan.Predict(in)
			if err != nil {
				return err
			}
			return printPlan(g.stdout, args[0], p)
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&f.concurrency, "concurrency", plan.DefaultConcurrency, "most range workers running at once (Lambda's default account concurrency)")
	fl.IntVar(&f.memoryMB, "memory", plan.DefaultMemoryMB, "worker memory in MB (1769 MB = 1 vCPU)")
	fl.DurationVar(&f.timeout, "timeout", plan.DefaultTimeout, "worker timeout")
	fl.StringVar(&f.rangeSize, "range-size", "", "bytes per range, e.g. 64MiB (default 32MiB, grown to stay within 10,000 ranges)")
	fl.StringVar(&f.batchSize, "batch-size", "", "bytes per ranged GET (default 4MiB)")
	fl.StringVar(&f.format, "format", plan.DefaultFormat, "csv, jsonl or lines (sets the scan rate)")
	fl.StringVar(&f.region, "region", plan.DefaultRegion, "region whose prices to use (us-east-1, eu-west-1)")
	return cmd
}

func (f *planFlags) inputs(cmd *cobra.Command, g *globals, target string) (plan.Inputs, error) {
	var errs []error
	size := func(name, v string) int64 {
		if v == "" {
			return 0
		}
		n, err := humanize.ParseBytes(v)
		if err != nil || n == 0 || n > math.MaxInt64 {
			errs = append(errs, fmt.Errorf("--%s %q: want positive bytes such as 65536, 64KiB or 16MiB", name, v))
			return 0
		}
		return int64(n)
	}
	in := plan.Inputs{RangeSizeBytes: size("range-size", f.rangeSize), BatchSizeBytes: size("batch-size", f.batchSize),
		Timeout: f.timeout, MemoryMB: f.memoryMB, Concurrency: f.concurrency, Region: f.region, Format: f.format}
	if f.timeout <= 0 || f.memoryMB <= 0 || f.concurrency <= 0 {
		errs = append(errs, fmt.Errorf("--timeout, --memory and --concurrency must be positive"))
	}
	objBytes, err := objectSize(cmd, g, target)
	errs = append(errs, err)
	in.ObjectBytes = objBytes
	return in, errors.Join(errs...)
}

// objectSize parses SIZE, or heads s3://BUCKET/KEY.
func objectSize(cmd *cobra.Command, g *globals, target string) (int64, error) {
	bucket, key, isS3, err := splitS3URL(target)
	if err != nil {
		return 0, err
	}
	if isS3 {
		store, err := openS3(cmd.Context(), g.s3PathStyle, bucket, key)
		if err != nil {
			return 0, err
		}
		obj, err := store.Head(cmd.Context(), bucket, key, "")
		if err != nil {
			return 0, err
		}
		return obj.SizeBytes, nil
	}
	n, err := humanize.ParseBytes(target)
	if err != nil || n == 0 || n > math.MaxInt64 {
		return 0, fmt.Errorf("%q: want a size such as 940MB or 1TiB, or s3://BUCKET/KEY", target)
	}
	return int64(n), nil
}

func printPlan(w io.Writer, target string, p plan.Prediction) error {
	in := p.Inputs
	var b strings.Builder
	fmt.Fprintf(&b, "object %s: %s (%d bytes), %s\n", target, humanize.IBytes(uint64(in.ObjectBytes)), in.ObjectBytes, in.Format)
	fmt.Fprintf(&b, "workers: %d MB (%.2f vCPU), timeout %v, concurrency %d, batch %s, region %s\n",
		in.MemoryMB, float64(in.MemoryMB)/plan.MemoryMBPerVCPU, in.Timeout, in.Concurrency, humanize.IBytes(uint64(in.BatchSizeBytes)), in.Region)
	fmt.Fprintf(&b, "throughput per worker: %.1f MB/s (min of S3 per connection and scan rate × vCPUs)\n\n", p.ThroughputBytesPerSec/1e6)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	rows := [][2]string{
		{"wall time (estimate)", p.Wall.Round(100 * time.Millisecond).String()},
		{"ranges", humanize.Comma(int64(p.Ranges))},
		{"invocations", fmt.Sprintf("%s (%s range workers + splitter + aggregator)", humanize.Comma(p.Invocations), humanize.Comma(p.WorkerInvocations))},
		{"hops", humanize.Comma(p.Hops)},
		{"EventBridge events", fmt.Sprintf("%s (%d RangeAssigned, %d RangeContinued, JobRequested, FanInRequested, JobSucceeded)",
			humanize.Comma(p.Events.Total()), p.Events.RangeAssigned, p.Events.RangeContinued)},
		{"DynamoDB writes", fmt.Sprintf("%s items in %s transactions (%s WRU)", humanize.Comma(p.Ledger.Entries()), humanize.Comma(p.Ledger.Appends), humanize.Comma(p.Ledger.WriteUnits()))},
		{"DynamoDB reads (estimate)", humanize.Comma(p.Ledger.ReadUnits) + " RRU"},
		{"S3 GETs (estimate)", humanize.Comma(p.S3GETs)},
	}
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\n", r[0], r[1])
	}
	fmt.Fprintf(tw, "\ncost (USD, %s prices; may have changed)\tquantity\tUSD\n", in.Region)
	for _, l := range p.Cost.Lines {
		fmt.Fprintf(tw, "%s\t%s %s\t%.4f\n", l.Item, humanize.CommafWithDigits(l.Quantity, 1), l.Unit, l.USD)
	}
	fmt.Fprintf(tw, "total\t\t%.4f\n", p.Cost.TotalUSD)
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := io.WriteString(w, b.String())
	return err
}
