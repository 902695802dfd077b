// Command aggregator is the fan-in Lambda function: it handles
// FanInRequested, merges every range's partial results once and appends
// the job's result.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/batonrun/baton/aggregate/fanin"
	"github.com/batonrun/baton/internal/wiring"
)

func main() { wiring.Main(wiring.Aggregator, build) }

func build(d wiring.Deps) (lambda.Handler, error) {
	return d.Handler(fanin.New(d.Ledger, d.Bus, d.FaninOptions()).Handle), nil
}
