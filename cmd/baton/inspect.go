package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/dustin/go-humanize"
	"github.com/spf13/cobra"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/joblog"
	"github.com/batonrun/baton/internal/ledger"
)

func jobEntries(cmd *cobra.Command, g *globals, jobID string) ([]ledger.Entry, error) {
	l, where, err := openLedger(cmd.Context(), g)
	if err != nil {
		return nil, err
	}
	defer l.Close()
	entries, err := l.List(cmd.Context(), jobID, "")
	if err != nil {
		if g.table != "" && g.payloadBucket == "" && strings.Contains(err.Error(), "claim-checked") {
			return nil, fmt.Errorf("%w (pass --payload-bucket with the stack's PayloadBucketName)", err)
		}
		return nil, err
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("no job %q in %s (see `baton jobs`)", jobID, where)
	}
	return entries, nil
}

func newStatusCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "status JOB",
		Short: "Show a job's state, ranges done, bytes, hops and result",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			entries, err := jobEntries(cmd, g, args[0])
			if err != nil {
				return err
			}
			s, err := joblog.Fold(args[0], entries)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(g.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintf(w, "job\t%s\nstate\t%s\nobject\t%s\nquery\t%s\nranges\t%d/%d done\n",
				s.JobID, stateText(s), objectName(s.Object), s.Query, s.RangesDone, s.Ranges)
			if s.Attempt > 0 {
				fmt.Fprintf(w, "attempt\t%d (redrive --failed retries of failed ranges)\n", s.Attempt)
			}
			if s.Succeeded != nil { // the result's own counts: each record once
				st := s.Succeeded.Stats
				fmt.Fprintf(w, "bytes\t%s\nrecords\t%s\ninvocations\t%d\nhops\t%d\n",
					humanize.IBytes(uint64(st.Bytes)), humanize.Comma(st.Records), st.Invocations, st.Hops)
			}
			if s.Succeeded == nil || s.Records != s.Succeeded.Stats.Records {
				fmt.Fprintf(w, "read so far\t%s records, %s in %d invocations, %d hops (every attempt, failed ranges included)\n",
					humanize.Comma(s.Records), humanize.IBytes(uint64(s.Bytes)), s.Invocations, s.Hops)
			}
			if s.RangesFailed > 0 {
				fmt.Fprintf(w, "ranges failed\t%d\n", s.RangesFailed)
			}
			if s.Succeeded != nil && s.Succeeded.Partial {
				fmt.Fprintf(w, "partial\tyes: %d of %d ranges failed; their records are not in the result\n", len(s.Succeeded.FailedRanges), s.Ranges)
				for _, f := range s.Succeeded.FailedRanges {
					fmt.Fprintf(w, "failed range\t%s\n", failedRangeText(f))
				}
			}
			if s.Failed != nil {
				fmt.Fprintf(w, "error\t%s: %s\n", s.Failed.Code, s.Failed.Reason)
			}
			if err := w.Flush(); err != nil {
				return err
			}
			if s.Succeeded != nil {
				fmt.Fprintln(g.stdout)
				return renderTable(g.stdout, s.Succeeded.Result)
			}
			return nil
		},
	}
}

func newEventsCmd(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "events JOB",
		Short: "Print a job's event history from its ledger",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			entries, err := jobEntries(cmd, g, args[0])
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(g.stdout)
				for _, e := range entries {
					if err := enc.Encode(e); err != nil {
						return err
					}
				}
				return nil
			}
			w := tabwriter.NewWriter(g.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, "SEQ\tTIME\tKEY\tDETAIL-TYPE\tSUMMARY")
			for _, e := range entries {
				fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", e.Seq, e.Time.Format("15:04:05.000"), e.Key, e.DetailType, summarize(e))
			}
			return w.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON entry per line")
	return cmd
}

func newJobsCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "jobs",
		Short: "List jobs in the ledger, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			l, _, err := openLedger(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer l.Close()
			jobs, err := l.Jobs(cmd.Context())
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(g.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, "JOB\tSTARTED\tENTRIES")
			for _, j := range jobs {
				fmt.Fprintf(w, "%s\t%s\t%d\n", j.JobID, j.FirstTime.Local().Format("2006-01-02 15:04:05"), j.Entries)
			}
			return w.Flush()
		},
	}
}

// objectName is s3://bucket/key for S3 objects, the path for local files.
func objectName(o events.ObjectRef) string {
	if o.Bucket == "" {
		return o.Key
	}
	return "s3://" + o.Bucket + "/" + o.Key
}

// stateText is the job's state, "succeeded (partial)" for a partial result.
func stateText(s joblog.Status) string {
	if s.Succeeded != nil && s.Succeeded.Partial {
		return s.State + " (partial)"
	}
	return s.State
}
