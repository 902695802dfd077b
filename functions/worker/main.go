// Command worker is the range worker Lambda function: it handles
// RangeAssigned and RangeContinued, reading its range in batches and
// recursing through RangeContinued when its deadline nears.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/batonrun/baton/internal/objstore/cache"
	"github.com/batonrun/baton/internal/wiring"
	"github.com/batonrun/baton/internal/worker"
)

func main() { wiring.Main(wiring.Worker, build) }

// build makes the container's handler; the warm cache it creates lives as
// long as the container, like package state in Lambda.
func build(d wiring.Deps) (lambda.Handler, error) {
	warm, err := cache.New(d.Store, cache.Options{})
	if err != nil {
		return nil, err
	}
	w, err := worker.New(warm, d.Ledger, d.Bus, d.WorkerOptions())
	if err != nil {
		return nil, err
	}
	return d.Handler(w.Handle), nil
}
