// Command sweeper is the stalled-range sweeper Lambda function: on a
// schedule, it re-publishes the next event of every range of each running
// job whose ledger has not moved for BATON_STALLED_AFTER_SECONDS (default
// three worker timeouts), so a dropped event costs time, not the result.
package main

import (
	"context"
	"fmt"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/redrive"
	"github.com/batonrun/baton/internal/wiring"
)

func main() { wiring.Main(wiring.Sweeper, build) }

// build makes the handler: any event (the schedule's "Scheduled Event")
// runs one sweep. It returns an error when any job could not be redriven,
// after redriving every other.
func build(d wiring.Deps) (lambda.Handler, error) {
	o := d.RedriveOptions()
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return d.Handler(func(ctx context.Context, _ events.Envelope) error {
		reps, err := redrive.Sweep(ctx, d.Ledger, d.Bus, o)
		published := 0
		for _, r := range reps {
			published += r.Published()
		}
		if d.Logger != nil {
			d.Logger.InfoContext(ctx, "sweep done", "jobs_redriven", len(reps), "events_published", published)
		}
		if err != nil {
			return fmt.Errorf("sweep: %w", err)
		}
		return nil
	}), nil
}
