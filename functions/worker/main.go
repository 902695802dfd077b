// Command worker is the range worker Lambda function: it handles
// RangeAssigned and RangeContinued, reading its range in batches and
// recursing through RangeContinued when its deadline nears.
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/batonrun/baton/internal/objstore/cache"
	"github.com/batonrun/baton/internal/wiring"
	"github.com/batonrun/baton/internal/worker"
)

func main() {
	h, err := build(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		os.Exit(1)
	}
	lambda.Start(h)
}

// build makes the container's handler; the warm cache it creates lives as
// long as the container, like package state in Lambda.
func build(getenv func(string) string) (lambda.Handler, error) {
	d, err := wiring.FromEnv(getenv)
	if err != nil {
		return nil, err
	}
	warm, err := cache.New(d.Store, cache.Options{})
	if err != nil {
		return nil, err
	}
	return newHandler(warm, d.Ledger, d.Bus)
}

func newHandler(store worker.ObjectReader, l worker.Ledger, bus worker.Publisher) (lambda.Handler, error) {
	w, err := worker.New(store, l, bus, worker.Options{})
	if err != nil {
		return nil, err
	}
	return lambda.NewHandler(w.Handle), nil
}
