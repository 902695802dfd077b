package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/batonrun/baton/internal/local"
	"github.com/batonrun/baton/internal/localrt"
)

// newRedriveCmd is `baton redrive JOB`: re-publish the next event of every
// range of a local job that has made no progress, and wait for its end.
func newRedriveCmd(g *globals) *cobra.Command {
	var timeout time.Duration
	var failed bool
	cmd := &cobra.Command{
		Use:   "redrive JOB",
		Short: "Re-publish the next event of every unfinished range of a local job and run it to its end",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg := local.Config{StateDir: g.stateDir, Runtime: localrt.Options{Timeout: timeout}}
			run := local.Redrive
			if failed {
				run = local.RedriveFailed
			}
			out, rep, err := run(cmd.Context(), cfg, args[0])
			if err != nil {
				return err
			}
			if failed {
				fmt.Fprintf(g.stderr, "redrive %s --failed: attempt %d retries ranges %v\n", rep.JobID, rep.Attempt, rep.Retried)
			}
			fmt.Fprintf(g.stderr, "redrive %s: %d RangeAssigned, %d RangeContinued, %d failed ranges left as they are, fan-in %v (ended already: %v)\n",
				rep.JobID, len(rep.Assigned), len(rep.Continued), len(rep.Failed), rep.FanIn, rep.Ended)
			if out.Failed != nil {
				return fmt.Errorf("job %s failed (%s): %s", out.JobID, out.Failed.Code, out.Failed.Reason)
			}
			if out.Succeeded != nil {
				render, err := renderer("table")
				if err != nil {
					return err
				}
				if err := render(g.stdout, out.Succeeded.Result); err != nil {
					return err
				}
				if err := reportPartial(g.stderr, *out.Succeeded); err != nil || !out.Succeeded.Partial {
					return err
				}
				return &exitError{code: exitPartial}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&failed, "failed", false, "retry only the failed ranges of a job that ended with a partial result, in a new attempt whose result replaces it (a retry already running is joined)")
	cmd.Flags().DurationVar(&timeout, "timeout", localrt.DefaultTimeout, "timeout of each range-worker invocation")
	return cmd
}
