package wiring

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/batonrun/baton/internal/ledger"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestAWSBackendIsNotBuiltYet(t *testing.T) {
	for _, backend := range []string{"", "aws"} {
		if _, err := FromEnv(env(map[string]string{"BATON_BACKEND": backend})); !errors.Is(err, ErrBackendUnavailable) {
			t.Errorf("BATON_BACKEND=%q: got %v", backend, err)
		}
	}
}

func TestBadEnvironments(t *testing.T) {
	for name, m := range map[string]map[string]string{
		"local without state dir": {"BATON_BACKEND": "local"},
		"unknown backend":         {"BATON_BACKEND": "gcp"},
	} {
		if _, err := FromEnv(env(m)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestLocalBackendBuildsWorkingPorts(t *testing.T) {
	var got Deps
	_, err := buildFromEnv(env(map[string]string{"BATON_BACKEND": "local", "BATON_STATE_DIR": t.TempDir()}),
		func(d Deps) (lambda.Handler, error) { got = d; return nil, nil })
	if err != nil {
		t.Fatal(err)
	}
	defer got.Ledger.Close()
	ctx := context.Background()
	if err := got.Ledger.Append(ctx, "j", ledger.Entry{Key: "k", DetailType: "T", Detail: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	if n, err := got.Ledger.Count(ctx, "j", ""); err != nil || n != 1 {
		t.Fatalf("count %d, %v", n, err)
	}
	if err := got.Bus.Publish(ctx); !errors.Is(err, ErrNoBus) {
		t.Fatalf("publish: %v", err)
	}
}
