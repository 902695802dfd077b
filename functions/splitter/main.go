// Command splitter is the fan-out Lambda function: it handles JobRequested
// (and, with the AWS adapters, S3 "Object Created" events), pins the object,
// plans ranges and publishes RangeAssigned events.
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/batonrun/baton/internal/splitter"
	"github.com/batonrun/baton/internal/wiring"
)

func main() {
	h, err := build(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "splitter:", err)
		os.Exit(1)
	}
	lambda.Start(h)
}

func build(getenv func(string) string) (lambda.Handler, error) {
	d, err := wiring.FromEnv(getenv)
	if err != nil {
		return nil, err
	}
	return newHandler(d.Store, d.Ledger, d.Bus), nil
}

func newHandler(store splitter.ObjectStore, l splitter.Ledger, bus splitter.Publisher) lambda.Handler {
	return lambda.NewHandler(splitter.New(store, l, bus, splitter.Options{}).Handle)
}
