package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/batonrun/baton/internal/local"
	"github.com/batonrun/baton/internal/tracereport"
	"github.com/batonrun/baton/observability"
)

func newTraceCmd(g *globals) *cobra.Command {
	var htmlPath string
	var width int
	cmd := &cobra.Command{
		Use:   "trace JOB",
		Short: "Show a local job's trace: a waterfall of the splitter, every hop of every range and the fan-in",
		Long: `trace reads the spans ` + "`baton run`" + ` recorded for JOB (<state-dir>/traces/JOB.jsonl) and prints
one row per range with its invocations (hops) in order on a time axis, each invocation's duration and
outcome, and the gaps between an invocation and the one that published its event (event delivery latency).
With --html it writes a self-contained timeline page instead.`,
		Example: `  baton trace 3q7k2m...
  baton trace 3q7k2m... --html trace.html`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			tl, err := loadTimeline(g.stateDir, args[0])
			if err != nil {
				return err
			}
			if htmlPath != "" {
				return writeHTML(htmlPath, tl, g.stderr)
			}
			return tracereport.Text(g.stdout, tl, tracereport.TextOptions{Width: textWidth(width, g.stdout)})
		},
	}
	cmd.Flags().StringVar(&htmlPath, "html", "", "write a self-contained HTML timeline to this file instead of printing the waterfall")
	cmd.Flags().IntVar(&width, "width", 0, "columns of the waterfall (default: the terminal's width, $COLUMNS or 80)")
	return cmd
}

// loadTimeline reads the job's span file and lays it out.
func loadTimeline(stateDir, jobID string) (tracereport.Timeline, error) {
	path := local.TracePath(stateDir, jobID)
	recs, err := observability.ReadSpanFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return tracereport.Timeline{}, fmt.Errorf("no spans for job %q: %s does not exist (spans are recorded by `baton run` from this version on; check the job id and --state-dir)", jobID, path)
	}
	if err != nil {
		return tracereport.Timeline{}, err
	}
	tl, err := tracereport.Build(spansOf(recs), jobID)
	if err != nil {
		return tracereport.Timeline{}, fmt.Errorf("%s: %w", path, err)
	}
	return tl, nil
}

func spansOf(recs []observability.SpanRecord) []tracereport.Span {
	out := make([]tracereport.Span, len(recs))
	for i, r := range recs {
		out[i] = tracereport.Span{Name: r.Name, TraceID: r.TraceID, SpanID: r.SpanID, ParentSpanID: r.ParentSpanID,
			Start: r.Start, End: r.End, Attributes: r.Attributes, StatusCode: r.StatusCode, StatusDescription: r.StatusDescription}
	}
	return out
}

func writeHTML(path string, tl tracereport.Timeline, stderr io.Writer) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("writing trace page: %w", err)
	}
	if err := tracereport.HTML(f, tl); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing trace page %s: %w", path, err)
	}
	fmt.Fprintf(stderr, "wrote %s: %d invocations in %d ranges\n", path, tl.Invocations, tl.Ranges)
	return nil
}

// textWidth is the flag, else the terminal's width, else $COLUMNS, else 80.
func textWidth(flag int, out io.Writer) int {
	if flag > 0 {
		return flag
	}
	if f, ok := out.(*os.File); ok {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
			return w
		}
	}
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	return tracereport.DefaultWidth
}
