// Command aggregator is the fan-in Lambda function: it handles
// FanInRequested, merges every range's partial results once and appends
// the job's result.
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/batonrun/baton/aggregate/fanin"
	"github.com/batonrun/baton/internal/joblog"
	"github.com/batonrun/baton/internal/wiring"
)

func main() {
	h, err := build(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "aggregator:", err)
		os.Exit(1)
	}
	lambda.Start(h)
}

func build(getenv func(string) string) (lambda.Handler, error) {
	d, err := wiring.FromEnv(getenv)
	if err != nil {
		return nil, err
	}
	return newHandler(d.Ledger, d.Bus), nil
}

func newHandler(l fanin.Ledger, bus joblog.Publisher) lambda.Handler {
	return lambda.NewHandler(fanin.New(l, bus, fanin.Options{}).Handle)
}
