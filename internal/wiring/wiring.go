// Package wiring builds a Lambda function's dependencies from its
// environment. Only a function's main calls it, through Main.
//
// Backends (BATON_BACKEND):
//   - "aws" (the default in Lambda): S3, EventBridge and DynamoDB adapters.
//     They are not built yet (the AWS adapters issue); FromEnv returns
//     ErrBackendUnavailable naming what is missing.
//   - "local": the SQLite ledger in BATON_STATE_DIR and local files. There is
//     no cross-process bus locally, so published events are refused with
//     ErrNoBus; use `baton run`, which runs these same handlers in-process.
package wiring

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/ledger/sqlite"
	"github.com/batonrun/baton/internal/objstore/localfs"
)

// ErrBackendUnavailable reports a backend this build cannot construct.
var ErrBackendUnavailable = errors.New("backend unavailable")

// ErrNoBus reports a publish in a backend without a bus.
var ErrNoBus = errors.New("no event bus in this backend")

// Deps are the adapters behind the four ports.
type Deps struct {
	Store  *localfs.Store
	Ledger *sqlite.Ledger
	Bus    NoBus
}

// NoBus refuses every publish with ErrNoBus.
type NoBus struct{}

// Publish implements the publisher port.
func (NoBus) Publish(context.Context, ...events.Envelope) error { return ErrNoBus }

// FromEnv builds Deps from the environment getenv reads.
func FromEnv(getenv func(string) string) (Deps, error) {
	switch backend := getenv("BATON_BACKEND"); backend {
	case "", "aws":
		return Deps{}, fmt.Errorf("BATON_BACKEND=aws: %w: the S3, EventBridge and DynamoDB adapters are not in this build yet", ErrBackendUnavailable)
	case "local":
		dir := getenv("BATON_STATE_DIR")
		if dir == "" {
			return Deps{}, errors.New("BATON_BACKEND=local needs BATON_STATE_DIR")
		}
		l, err := sqlite.Open(filepath.Join(dir, "ledger.db"), sqlite.Options{})
		if err != nil {
			return Deps{}, fmt.Errorf("opening ledger: %w", err)
		}
		store, err := localfs.New(localfs.Options{})
		if err != nil {
			return Deps{}, err
		}
		return Deps{Store: store, Ledger: l}, nil
	default:
		return Deps{}, fmt.Errorf("BATON_BACKEND=%q: want aws or local", backend)
	}
}

// Main is the whole body of a function's main: it builds the handler from
// the process environment and hands it to lambda.Start, or prints why it
// could not and exits with status 1.
func Main(name string, build func(Deps) (lambda.Handler, error)) {
	h, err := buildFromEnv(os.Getenv, build)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
	lambda.Start(h)
}

// buildFromEnv builds Deps from getenv, then the handler from Deps.
func buildFromEnv(getenv func(string) string, build func(Deps) (lambda.Handler, error)) (lambda.Handler, error) {
	d, err := FromEnv(getenv)
	if err != nil {
		return nil, err
	}
	return build(d)
}
