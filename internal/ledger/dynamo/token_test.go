package dynamo

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/batonrun/baton/internal/awstest"
	"github.com/batonrun/baton/internal/ledger"
)

// tokenRecorder records the ClientRequestToken of each TransactWriteItems.
type tokenRecorder struct{ tokens []string }

func (r *tokenRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("X-Amz-Target") == "DynamoDB_20120810.TransactWriteItems" {
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		var in struct{ ClientRequestToken string }
		if err := json.Unmarshal(body, &in); err != nil {
			return nil, err
		}
		r.tokens = append(r.tokens, in.ClientRequestToken)
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	return http.DefaultTransport.RoundTrip(req)
}

// TestRequestTokenFromContent: the token sent is the hash of the append's
// content (not, say, the SDK's random fill-in), and every part of the
// content changes it.
func TestRequestTokenFromContent(t *testing.T) {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	es := []ledger.Entry{
		{Key: "plan/000000", DetailType: "RangePlanned", Time: now, Detail: json.RawMessage(`{"i":0}`)},
		{Key: "plan/000001", DetailType: "RangePlanned", Time: now, Detail: json.RawMessage(`{"i":1}`)},
	}
	rec := &tokenRecorder{}
	cfg := awstest.Config(awstest.DynamoDB(t))
	cfg.HTTPClient = &http.Client{Transport: rec}
	c := dynamodb.NewFromConfig(cfg)
	var suffix [6]byte
	_, _ = rand.Read(suffix[:])
	table := "ledger-token-" + hex.EncodeToString(suffix[:])
	if err := CreateTable(context.Background(), c, table); err != nil {
		t.Fatal(err)
	}
	l, err := New(c, table, Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Append(context.Background(), "j1", es...); err != nil {
		t.Fatal(err)
	}
	exp := now.Add(DefaultTTL).Unix()
	inline := func(es []ledger.Entry) []storedDetail {
		ds := make([]storedDetail, len(es))
		for i, e := range es {
			ds[i] = storedDetail{inline: e.Detail}
		}
		return ds
	}
	want := requestToken(table, "j1", 0, exp, es, inline(es))
	if len(rec.tokens) != 1 || rec.tokens[0] != want || len(want) != 36 {
		t.Fatalf("tokens sent = %q, want [%s] (36 characters)", rec.tokens, want)
	}
	changed := append([]ledger.Entry(nil), es...)
	changed[1].Detail = json.RawMessage(`{"i":2}`)
	swapped := []ledger.Entry{es[1], es[0]}
	blob := inline(es)
	blob[1] = storedDetail{blob: &blobRef{key: "k", size: 7, sha256: "00"}}
	for name, got := range map[string]string{
		"table":   requestToken(table+"x", "j1", 0, exp, es, inline(es)),
		"job":     requestToken(table, "j2", 0, exp, es, inline(es)),
		"base":    requestToken(table, "j1", 1, exp, es, inline(es)),
		"expiry":  requestToken(table, "j1", 0, exp+1, es, inline(es)),
		"detail":  requestToken(table, "j1", 0, exp, changed, inline(changed)),
		"order":   requestToken(table, "j1", 0, exp, swapped, inline(swapped)),
		"entries": requestToken(table, "j1", 0, exp, es[:1], inline(es[:1])),
		"blob":    requestToken(table, "j1", 0, exp, es, blob),
	} {
		if got == want {
			t.Errorf("%s changed: token %s is unchanged", name, got)
		}
	}
}
