package dynamo_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/batonrun/baton/internal/awstest"
	"github.com/batonrun/baton/internal/ledger"
	"github.com/batonrun/baton/internal/ledger/dynamo"
)

const transactTarget = "DynamoDB_20120810.TransactWriteItems"

// dropFirstResponse records the ClientRequestToken of every
// TransactWriteItems; when drop is set it lets the first one reach the
// server and then loses its response, as a broken connection would, so the
// SDK retries.
type dropFirstResponse struct {
	base   http.RoundTripper
	drop   bool
	mu     sync.Mutex
	tokens []string
}

func (d *dropFirstResponse) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Header.Get("X-Amz-Target") != transactTarget {
		return d.base.RoundTrip(r)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	var in struct{ ClientRequestToken string }
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, err
	}
	r = r.Clone(r.Context())
	r.Body = io.NopCloser(bytes.NewReader(body))
	resp, err := d.base.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	d.tokens = append(d.tokens, in.ClientRequestToken)
	first := len(d.tokens) == 1
	d.mu.Unlock()
	if first && d.drop {
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		return nil, errors.New("read tcp: connection reset by peer (response dropped by test)")
	}
	return resp, nil
}

func TestAppendIdempotentAcrossSDKRetry(t *testing.T) {
	plain := client(t)
	table := newTable(t, plain)
	drop := &dropFirstResponse{base: http.DefaultTransport, drop: true}
	cfg := awstest.Config(awstest.DynamoDB(t))
	cfg.HTTPClient = &http.Client{Transport: drop}
	l := mustNew(t, dynamodb.NewFromConfig(cfg), table, dynamo.Options{})
	ctx := context.Background()
	e := ledger.Entry{Key: "ckpt/000001/000000", DetailType: "CheckpointCommitted", Detail: json.RawMessage(`{"cursorBytes":42}`)}
	if err := l.Append(ctx, "j1", e); err != nil {
		t.Fatalf("Append whose first response was lost: %v", err)
	}
	if len(drop.tokens) < 2 || drop.tokens[0] != drop.tokens[1] || drop.tokens[0] == "" || len(drop.tokens[0]) > 36 {
		t.Fatalf("transaction tokens = %q, want the SDK's retry to repeat one non-empty token of at most 36 characters", drop.tokens)
	}
	check := mustNew(t, plain, table, dynamo.Options{})
	all, err := check.List(ctx, "j1", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1 || all[0].Key != e.Key || all[0].Seq != 1 || !bytes.Equal(all[0].Detail, e.Detail) {
		t.Fatalf("log after retried append = %+v, want the one entry at seq 1", all)
	}
	next := ledger.Entry{Key: "ckpt/000001/000001", DetailType: "CheckpointCommitted"}
	if err := check.Append(ctx, "j1", next); err != nil {
		t.Fatal(err)
	}
	if got, err := check.Get(ctx, "j1", next.Key); err != nil || got.Seq != 2 {
		t.Fatalf("next append: seq %d, %v; want 2 (counter advanced once)", got.Seq, err)
	}
	jobs, err := check.Jobs(ctx)
	if err != nil || len(jobs) != 1 || jobs[0].Entries != 2 {
		t.Fatalf("Jobs = %+v, %v; want j1 with 2 entries", jobs, err)
	}
}
