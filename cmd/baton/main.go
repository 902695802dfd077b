// Command baton runs SQL over one large object, split into byte ranges that
// recursive, checkpointing workers process — locally on embedded defaults,
// or on AWS Lambda with the same handlers.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/spf13/cobra"

	"github.com/batonrun/baton/internal/local"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := newRoot(os.Stdout, os.Stderr).ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "baton:", err)
		os.Exit(1)
	}
}

// globals are the flags every command shares.
type globals struct {
	stateDir string
	// table, payloadBucket and s3PathStyle point status, events and jobs
	// at a deployed stack's ledger instead of the local file.
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
	pf := root.PersistentFlags()
	pf.StringVar(&g.table, "table", os.Getenv("BATON_TABLE"), "status/events/jobs: read the deployed stack's DynamoDB ledger table instead of the local ledger (default from BATON_TABLE)")
	pf.StringVar(&g.payloadBucket, "payload-bucket", os.Getenv("BATON_PAYLOAD_BUCKET"), "with --table: the stack's claim-check bucket, for large details (default from BATON_PAYLOAD_BUCKET)")
	pf.BoolVar(&g.s3PathStyle, "s3-path-style", os.Getenv("BATON_S3_PATH_STYLE") == "true", "S3 requests address the bucket by path, as emulators such as moto or MinIO need (default from BATON_S3_PATH_STYLE=true)")
	root.AddCommand(newRunCmd(g), newStatusCmd(g), newEventsCmd(g), newJobsCmd(g))
	return root
}
