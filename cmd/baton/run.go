package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/spf13/cobra"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/chaos"
	"github.com/batonrun/baton/internal/local"
	"github.com/batonrun/baton/internal/localrt"
	"github.com/batonrun/baton/internal/query"
)

type runFlags struct {
	query, format, delimiter, output           string
	header, noHeader, quiet                    bool
	rangeSize, batchSize, maxRecord            string
	timeout                                    time.Duration
	concurrency, maxHops, maxGroups, maxRanges int
	duplicate                                  float64
	seed                                       uint64
	chaosSeed                                  uint64
	maxBadRecords                              int64
	showBadValues                              bool
	toleratedFailures                          int
	toleratedFailurePercent                    float64
}

func newRunCmd(g *globals) *cobra.Command {
	f := &runFlags{}
	cmd := &cobra.Command{
		Use:   "run PATH|s3://BUCKET/KEY --query SQL",
		Short: "Run a query over a CSV, JSON Lines or text file, local or in S3",
		Example: `  baton run testdata/flights-sample.csv --query "SELECT origin, count(*), avg(delay) FROM s3object GROUP BY origin ORDER BY 2 DESC LIMIT 10"
  AWS_PROFILE=dev baton run s3://my-bucket/logs/2026/big.jsonl --query "SELECT count(*) FROM s3object"
  baton run big.log --format lines --query "SELECT count(*) FROM s3object WHERE _1 LIKE '%ERROR%'"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runJob(cmd, g, f, args[0]) },
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.query, "query", "q", "", "SQL: SELECT … FROM s3object [WHERE …] [GROUP BY …] [ORDER BY …] [LIMIT n] (required)")
	fl.StringVar(&f.format, "format", "", "csv, jsonl or lines (default: from the extension; .csv/.tsv → csv, .jsonl/.ndjson/.json → jsonl, else lines)")
	fl.BoolVar(&f.header, "header", true, "CSV: the first line is a header")
	fl.BoolVar(&f.noHeader, "no-header", false, "CSV: there is no header line (columns are _1, _2, …)")
	fl.StringVar(&f.delimiter, "delimiter", "", "CSV field delimiter, one character (default , or tab for .tsv)")
	fl.StringVarP(&f.output, "output", "o", "table", "result format: table, json or csv")
	fl.StringVar(&f.rangeSize, "range-size", "", "bytes per range, e.g. 64MiB (default 32MiB, grown to stay within --max-ranges; min 1KiB)")
	fl.StringVar(&f.batchSize, "batch-size", "", "bytes per batch, e.g. 4MiB (default 4MiB)")
	fl.StringVar(&f.maxRecord, "max-record-size", "", "longest record accepted, e.g. 64MiB (default 64MiB)")
	fl.DurationVar(&f.timeout, "timeout", localrt.DefaultTimeout, "timeout of each range-worker invocation, as Lambda's (any duration locally; 100ms shows recursion on small files)")
	fl.IntVar(&f.concurrency, "concurrency", runtime.NumCPU(), "invocations running at once")
	fl.IntVar(&f.maxHops, "max-hops", 0, "hop cap per range (default 1000)")
	fl.IntVar(&f.maxGroups, "max-groups", 0, "most groups a result may have (default 100000)")
	fl.IntVar(&f.maxRanges, "max-ranges", 0, "most ranges a job may have (default 10000)")
	fl.Int64Var(&f.maxBadRecords, "max-bad-records", 0, "bad records (wrong CSV field count, invalid JSON, invalid UTF-8, a value that is not a number) to skip before the job fails; 0: the first one fails it")
	fl.BoolVar(&f.showBadValues, "show-bad-values", false, "put the offending value (64 bytes at most) in bad-record samples and errors; by default they hold no record contents")
	fl.IntVar(&f.toleratedFailures, "tolerated-failure-count", 0, "ranges that may fail permanently (a bad record, a record over --max-record-size…) while the job still ends with a partial result; one more fails it. 0: not set")
	fl.Float64Var(&f.toleratedFailurePercent, "tolerated-failure-percent", 0, "percent of the ranges (0..100) that may fail permanently, as --tolerated-failure-count; the job fails if either threshold is exceeded. 0: not set, and with both unset the first failed range fails the job. A partial result exits with code 3")
	fl.BoolVar(&f.quiet, "quiet", false, "no progress bar or summary on stderr")
	fl.Float64Var(&f.duplicate, "duplicate-deliveries", 0, "testing: deliver each event twice with this probability (0..1)")
	fl.Uint64Var(&f.seed, "seed", 1, "testing: seed for duplicate deliveries and container recycling")
	fl.Uint64Var(&f.chaosSeed, "chaos", 0, "testing: inject the seeded fault schedule chaos.FromSeed(SEED) (errors, drops, duplicates, delays, crashes, kills, recycling); 0 means off")
	_ = fl.MarkHidden("duplicate-deliveries")
	_ = cmd.MarkFlagRequired("query")
	return cmd
}

func runJob(cmd *cobra.Command, g *globals, f *runFlags, path string) error {
	if _, err := query.Parse(f.query); err != nil {
		return fmt.Errorf("bad query: %w", err)
	}
	render, err := renderer(f.output)
	if err != nil {
		return err
	}
	bucket, key, isS3, err := splitS3URL(path)
	if err != nil {
		return err
	}
	cfg, err := f.config(path, g.stateDir)
	if err != nil {
		return err
	}
	if isS3 {
		store, err := openS3(cmd.Context(), g.s3PathStyle, bucket, key)
		if err != nil {
			return err
		}
		cfg.Store, cfg.Bucket, cfg.Path = store, bucket, key
	}
	bar := newProgress(g.stderr, f.quiet)
	cfg.Progress = bar.update
	out, err := local.Run(cmd.Context(), cfg)
	bar.finish()
	if err != nil && out.JobID != "" && cmd.Context().Err() != nil {
		return fmt.Errorf("job %s interrupted (%w); its progress is in the ledger: resume it with `baton redrive %s`", out.JobID, err, out.JobID)
	}
	if err != nil {
		return err
	}
	if out.Failed != nil {
		return fmt.Errorf("job %s failed (%s): %s", out.JobID, out.Failed.Code, out.Failed.Reason)
	}
	s := *out.Succeeded
	if s.Partial && f.output == "json" {
		err = renderPartialJSON(g.stdout, s)
	} else {
		err = render(g.stdout, s.Result)
	}
	if err != nil {
		return err
	}
	if !f.quiet {
		printSummary(g.stderr, out)
	}
	if err := reportBadRecords(g.stderr, f.output, s.Stats); err != nil {
		return err
	}
	if err := reportPartial(g.stderr, s); err != nil {
		return err
	}
	if s.Partial {
		return &exitError{code: exitPartial}
	}
	return nil
}

// reportBadRecords says on w, even with --quiet, that a job skipped bad
// records: a line for people, or with --output json a JSON object
// {"badRecords": N, "badRecordSamples": [...]}.
func reportBadRecords(w io.Writer, output string, s events.Stats) error {
	if s.BadRecords == 0 {
		return nil
	}
	if output == "json" {
		enc := json.NewEncoder(w)
		return enc.Encode(struct {
			BadRecords       int64                    `json:"badRecords"`
			BadRecordSamples []events.BadRecordSample `json:"badRecordSamples"`
		}{s.BadRecords, s.BadRecordSamples})
	}
	first := s.BadRecordSamples[0]
	msg := fmt.Sprintf("%d bad records skipped; first at byte %d: %s", s.BadRecords, first.OffsetBytes, first.Reason)
	if first.Value != "" {
		msg += fmt.Sprintf(" (value %q)", first.Value)
	}
	_, err := fmt.Fprintln(w, msg)
	return err
}

func (f *runFlags) config(path, stateDir string) (local.Config, error) {
	var errs []error
	format, err := f.formatFor(path)
	errs = append(errs, err)
	size := func(name, v string) int64 {
		if v == "" {
			return 0
		}
		n, err := humanize.ParseBytes(v)
		if err != nil || n > math.MaxInt64 {
			errs = append(errs, fmt.Errorf("--%s %q: want bytes such as 65536, 64KiB or 16MiB", name, v))
			return 0
		}
		if n == 0 {
			errs = append(errs, fmt.Errorf("--%s must be positive", name))
		}
		return int64(n)
	}
	limits := events.Limits{
		RangeSizeBytes: size("range-size", f.rangeSize), BatchSizeBytes: size("batch-size", f.batchSize),
		MaxRecordBytes: size("max-record-size", f.maxRecord), MaxHops: f.maxHops, MaxGroups: f.maxGroups, MaxRanges: f.maxRanges,
		MaxBadRecords: f.maxBadRecords, ShowBadValues: f.showBadValues,
		ToleratedFailureCount: f.toleratedFailures, ToleratedFailurePercent: f.toleratedFailurePercent,
	}
	if f.toleratedFailures < 0 {
		errs = append(errs, fmt.Errorf("--tolerated-failure-count %d must not be negative", f.toleratedFailures))
	}
	if p := f.toleratedFailurePercent; !(p >= 0 && p <= 100) {
		errs = append(errs, fmt.Errorf("--tolerated-failure-percent %v: want 0 to 100", p))
	}
	if f.timeout <= 0 {
		errs = append(errs, fmt.Errorf("--timeout %v must be positive", f.timeout))
	}
	if f.concurrency <= 0 {
		errs = append(errs, fmt.Errorf("--concurrency %d must be positive", f.concurrency))
	}
	cfg := local.Config{Path: path, Query: f.query, Format: format, Limits: limits, StateDir: stateDir,
		Runtime:              localrt.Options{Timeout: f.timeout, Concurrency: f.concurrency, Seed: f.seed},
		DuplicateProbability: f.duplicate, Seed: f.seed}
	if f.chaosSeed != 0 {
		plan := chaos.FromSeed(f.chaosSeed)
		cfg.Chaos = &plan
		cfg.Runtime.RetryAttempts = 10
	}
	if err := errors.Join(errs...); err != nil {
		return cfg, err
	}
	return cfg, cfg.Validate()
}

func (f *runFlags) formatFor(path string) (events.Format, error) {
	format := events.Format{Kind: f.format, Header: f.header && !f.noHeader, Delimiter: f.delimiter}
	if f.format == "" {
		guessed, err := local.FormatFromPath(path)
		if err != nil {
			return format, fmt.Errorf("%w (or pass --format)", err)
		}
		format.Kind = guessed.Kind
		if format.Delimiter == "" {
			format.Delimiter = guessed.Delimiter
		}
	}
	if format.Delimiter == `\t` || format.Delimiter == "tab" {
		format.Delimiter = "\t"
	}
	if format.Kind != "csv" {
		format.Header, format.Delimiter = false, ""
	}
	return format, format.Validate()
}
