// Command splitter is the fan-out Lambda function: it handles JobRequested
// (and, with the AWS adapters, S3 "Object Created" events), pins the object,
// plans ranges and publishes RangeAssigned events.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/batonrun/baton/internal/splitter"
	"github.com/batonrun/baton/internal/wiring"
)

func main() { wiring.Main(wiring.Splitter, build) }

func build(d wiring.Deps) (lambda.Handler, error) {
	return d.Handler(splitter.New(d.Store, d.Ledger, d.Bus, d.SplitterOptions()).Handle), nil
}
