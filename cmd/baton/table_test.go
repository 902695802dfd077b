package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/batonrun/baton/internal/awstest"
	"github.com/batonrun/baton/internal/ids"
	"github.com/batonrun/baton/internal/ledger/dynamo"
	"github.com/batonrun/baton/internal/ledger/sqlite"
	"github.com/batonrun/baton/internal/local"
)

// status, events and jobs with --table read a stack's DynamoDB ledger:
// a local job's log copied into DynamoDB Local prints exactly as it does
// from the local ledger file.
func TestInspectDynamoDBTable(t *testing.T) {
	dir := t.TempDir()
	r := baton(t, dir, "run", sample, "--query", groupBy, "--range-size", "1MiB", "--quiet")
	if r.code != 0 {
		t.Fatalf("run: %s", r.stderr)
	}
	ctx := context.Background()
	src, err := sqlite.Open(local.LedgerPath(dir), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	jobs, err := src.Jobs(ctx)
	if err != nil || len(jobs) != 1 {
		t.Fatalf("jobs %v, %v", jobs, err)
	}
	jobID := jobs[0].JobID
	entries, err := src.List(ctx, jobID, "")
	if err != nil {
		t.Fatal(err)
	}
	url := awstest.DynamoDB(t)
	client := dynamodb.NewFromConfig(awstest.Config(url))
	table := "baton-cli-inspect-" + ids.New()[:8] // unique: DynamoDB Local lives as long as the test binary
	if err := dynamo.CreateTable(ctx, client, table); err != nil {
		t.Fatal(err)
	}
	dst, err := dynamo.New(client, table, dynamo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries { // one by one keeps the log's order and Seq
		if err := dst.Append(ctx, jobID, e); err != nil {
			t.Fatal(err)
		}
	}
	none := filepath.Join(t.TempDir(), "none")
	env := []string{"AWS_ENDPOINT_URL_DYNAMODB=" + url, "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test",
		"AWS_REGION=" + awstest.Region, "AWS_CONFIG_FILE=" + none, "AWS_SHARED_CREDENTIALS_FILE=" + none, "AWS_PROFILE="}
	empty := t.TempDir() // no local ledger: the table must be what is read
	for _, args := range [][]string{{"status", jobID}, {"events", jobID, "--json"}} {
		want := baton(t, dir, args...)
		got := batonEnv(t, empty, env, append(args, "--table", table)...)
		if want.code != 0 || got.code != 0 || got.stdout != want.stdout || len(want.stdout) < 100 {
			t.Errorf("%v: local (exit %d):\n%s\ntable (exit %d, %s):\n%s", args, want.code, want.stdout, got.code, got.stderr, got.stdout)
		}
	}
	if got := batonEnv(t, empty, env, "jobs", "--table", table); got.code != 0 || !contains(got.stdout, jobID) {
		t.Errorf("jobs --table: exit %d %s\n%s", got.code, got.stderr, got.stdout)
	}
	if got := batonEnv(t, empty, env, "status", "nope", "--table", table); got.code == 0 || !contains(got.stderr, "DynamoDB table "+table) {
		t.Errorf("status of a missing job: exit %d, stderr %q", got.code, got.stderr)
	}
}

func contains(s, sub string) bool { return sub != "" && strings.Contains(s, sub) }
