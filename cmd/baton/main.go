// Command baton runs SQL over one large object, split into byte ranges that
// recursive, checkpointing workers process — locally on embedded defaults,
// or on AWS Lambda with the same handlers.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/batonrun/baton/internal/local"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err := newRoot(os.Stdout, os.Stderr).ExecuteContext(ctx)
	var exit *exitError
	switch {
	case errors.As(err, &exit):
		if exit.msg != "" {
			fmt.Fprintln(os.Stderr, "baton:", exit.msg)
		}
		stop()
		os.Exit(exit.code)
	case err != nil:
		fmt.Fprintln(os.Stderr, "baton:", err)
		os.Exit(1)
	}
}

// globals are the flags every command shares.
type globals struct {
	stateDir string
	// table and payloadBucket point status, events and jobs at a deployed
	// stack's ledger instead of the local file; s3PathStyle is for S3
	// emulators.
	table, payloadBucket string
	s3PathStyle          bool
	stdout               io.Writer
	stderr               io.Writer
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	g := &globals{stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:           "baton",
		Short:         "Run SQL over one very large object with recursive, checkpointing range workers",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.PersistentFlags().StringVar(&g.stateDir, "state-dir", local.DefaultStateDir(), "directory holding the job ledger (ledger.db)")
	pathStyle, _ := strconv.ParseBool(os.Getenv("BATON_S3_PATH_STYLE"))
	root.PersistentFlags().BoolVar(&g.s3PathStyle, "s3-path-style", pathStyle, "S3 requests address the bucket by path, as emulators such as moto or MinIO need (default from BATON_S3_PATH_STYLE)")
	status, events, jobs := newStatusCmd(g), newEventsCmd(g), newJobsCmd(g)
	for _, c := range []*cobra.Command{status, events, jobs} {
		c.Flags().StringVar(&g.table, "table", "", "read a deployed stack's DynamoDB ledger table instead of the local ledger")
		c.Flags().StringVar(&g.payloadBucket, "payload-bucket", "", "with --table: the stack's claim-check bucket, where details too large for an item are kept")
	}
	root.AddCommand(newRunCmd(g), status, events, jobs, newTraceCmd(g), newRedriveCmd(g), newPlanCmd(g))
	return root
}
