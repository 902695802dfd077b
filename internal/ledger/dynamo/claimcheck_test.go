package dynamo_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/batonrun/baton/internal/ledger"
	"github.com/batonrun/baton/internal/ledger/dynamo"
)

// bigDetail is a JSON string detail of exactly n bytes.
func bigDetail(n int, fill byte) json.RawMessage {
	return json.RawMessage(`"` + strings.Repeat(string(fill), n-2) + `"`)
}

func rawItem(t *testing.T, c *dynamodb.Client, table, job, item string) map[string]types.AttributeValue {
	t.Helper()
	out, err := c.GetItem(context.Background(), &dynamodb.GetItemInput{
		TableName: aws.String(table), ConsistentRead: aws.Bool(true),
		Key: map[string]types.AttributeValue{
			dynamo.AttrJob: &types.AttributeValueMemberS{Value: job}, dynamo.AttrItem: &types.AttributeValueMemberS{Value: item},
		},
	})
	if err != nil || out.Item == nil {
		t.Fatalf("raw item %s/%s: %v (found %v)", job, item, err, out != nil && out.Item != nil)
	}
	return out.Item
}

func TestClaimCheckLargeDetail(t *testing.T) {
	c, blobs, ctx := client(t), newBlobs(), context.Background()
	table := newTable(t, c)
	l := mustNew(t, c, table, dynamo.Options{Blobs: blobs})
	big := bigDetail(500*1024, 'x')
	small := bigDetail(1000, 'y')
	if err := l.Append(ctx, "job/1", ledger.Entry{Key: "big", DetailType: "T", Detail: big}, ledger.Entry{Key: "small", DetailType: "T", Detail: small}); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(big)
	wantKey := "ledger/job%2F1/" + hex.EncodeToString(sum[:])
	if got := blobs.keys(""); len(got) != 1 || got[0] != wantKey {
		t.Fatalf("blobs = %q, want [%s]", got, wantKey)
	}
	it := rawItem(t, c, table, "job/1", "big")
	ptr, ok := it["detailBlob"].(*types.AttributeValueMemberM)
	if !ok || it["detail"] != nil {
		t.Fatalf("big item = %v, want a detailBlob pointer and no inline detail", it)
	}
	if k := ptr.Value["key"].(*types.AttributeValueMemberS).Value; k != wantKey {
		t.Errorf("pointer key = %s, want %s", k, wantKey)
	}
	if n := ptr.Value["size"].(*types.AttributeValueMemberN).Value; n != strconv.Itoa(len(big)) {
		t.Errorf("pointer size = %s, want %d", n, len(big))
	}
	if rawItem(t, c, table, "job/1", "small")["detail"] == nil {
		t.Error("small detail is not inline")
	}
	got, err := l.Get(ctx, "job/1", "big")
	if err != nil || !bytes.Equal(got.Detail, big) {
		t.Fatalf("Get(big) = %d bytes, %v; want the %d bytes appended", len(got.Detail), err, len(big))
	}
	all, err := l.List(ctx, "job/1", "")
	if err != nil || len(all) != 2 || !bytes.Equal(all[0].Detail, big) || !bytes.Equal(all[1].Detail, small) {
		t.Fatalf("List = %d entries, %v; want big then small, details exact", len(all), err)
	}
	// A blob changed behind the ledger's back is an error, never wrong bytes.
	for name, data := range map[string][]byte{"same size": bigDetail(500*1024, 'z'), "truncated": big[:1000]} {
		_ = blobs.PutBlob(ctx, wantKey, data)
		if _, err := l.Get(ctx, "job/1", "big"); err == nil || !strings.Contains(err.Error(), "sha256") {
			t.Errorf("%s blob: Get error = %v, want a size/sha256 mismatch", name, err)
		}
	}
}

func TestLargeDetailWithoutBlobs(t *testing.T) {
	c, ctx := client(t), context.Background()
	l := mustNew(t, c, newTable(t, c), dynamo.Options{})
	big := bigDetail(dynamo.DefaultMaxInlineDetailBytes+1, 'x')
	err := l.Append(ctx, "j1", ledger.Entry{Key: "ok", DetailType: "T"}, ledger.Entry{Key: "huge", DetailType: "T", Detail: big})
	if err == nil || !strings.Contains(err.Error(), "huge") || !strings.Contains(err.Error(), strconv.Itoa(len(big))) {
		t.Fatalf("error = %v, want one naming key huge and size %d", err, len(big))
	}
	if n, err := l.Count(ctx, "j1", ""); err != nil || n != 0 {
		t.Fatalf("Count = %d, %v; want 0 (nothing written)", n, err)
	}
	// Exactly at the limit stays inline.
	if err := l.Append(ctx, "j1", ledger.Entry{Key: "edge", DetailType: "T", Detail: bigDetail(len(big)-1, 'x')}); err != nil {
		t.Fatalf("detail of exactly %d bytes: %v", len(big)-1, err)
	}
}

// TestTransactionSizeSpills: details that each fit an item but together
// pass a transaction's 4 MB go to the object store, largest first.
func TestTransactionSizeSpills(t *testing.T) {
	c, blobs, ctx := client(t), newBlobs(), context.Background()
	l := mustNew(t, c, newTable(t, c), dynamo.Options{Blobs: blobs})
	var es []ledger.Entry
	for i := range 20 {
		es = append(es, ledger.Entry{Key: fmt.Sprintf("e%02d", i), DetailType: "T", Detail: bigDetail(300*1024-i, byte('a'+i))})
	}
	if err := l.Append(ctx, "j1", es...); err != nil {
		t.Fatal(err)
	}
	if n := len(blobs.keys("")); n < 7 || n == len(es) {
		t.Errorf("%d details claim-checked, want at least 7 (20 x 300 KiB over 4 MB) and not all", n)
	}
	all, err := l.List(ctx, "j1", "")
	if err != nil || len(all) != len(es) {
		t.Fatalf("List = %d, %v; want %d", len(all), err, len(es))
	}
	for i := range es {
		if !bytes.Equal(all[i].Detail, es[i].Detail) || all[i].Seq != int64(i+1) {
			t.Errorf("entry %d: seq %d, detail %d bytes; want seq %d, %d bytes exact", i, all[i].Seq, len(all[i].Detail), i+1, len(es[i].Detail))
		}
	}
	none := mustNew(t, c, l.Table(), dynamo.Options{})
	if err := none.Append(ctx, "j2", es...); err == nil {
		t.Error("20 x 300 KiB without Blobs: Append succeeded")
	}
}

func TestExpiresAt(t *testing.T) {
	c, ctx := client(t), context.Background()
	now := time.Date(2026, 11, 29, 15, 4, 5, 0, time.UTC)
	for _, ttl := range []time.Duration{0, 36 * time.Hour} {
		table := newTable(t, c)
		l := mustNew(t, c, table, dynamo.Options{TTL: ttl, Now: func() time.Time { return now }})
		if err := l.Append(ctx, "j1", ledger.Entry{Key: "a", DetailType: "T"}); err != nil {
			t.Fatal(err)
		}
		want := now.Add(30 * 24 * time.Hour).Unix()
		if ttl != 0 {
			want = now.Add(ttl).Unix()
		}
		for _, item := range []string{"a", dynamo.MetaItem} {
			got, _ := rawItem(t, c, table, "j1", item)[dynamo.AttrExpiresAt].(*types.AttributeValueMemberN)
			if got == nil || got.Value != strconv.FormatInt(want, 10) {
				t.Errorf("TTL %v: item %s expiresAt = %v, want %d", ttl, item, got, want)
			}
		}
		out, err := c.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String(table)})
		if err != nil {
			t.Fatal(err)
		}
		d := out.TimeToLiveDescription
		if d == nil || aws.ToString(d.AttributeName) != dynamo.AttrExpiresAt || d.TimeToLiveStatus != types.TimeToLiveStatusEnabled {
			t.Errorf("table TTL = %+v, want enabled on %s", d, dynamo.AttrExpiresAt)
		}
	}
}

func TestReservedMetaKey(t *testing.T) {
	c, ctx := client(t), context.Background()
	l := mustNew(t, c, newTable(t, c), dynamo.Options{})
	if err := l.Append(ctx, "j1", ledger.Entry{Key: dynamo.MetaItem, DetailType: "T"}); err == nil || !strings.Contains(err.Error(), "reserved") {
		t.Fatalf("Append of key %s: error = %v, want reserved", dynamo.MetaItem, err)
	}
	if err := l.Append(ctx, "j1", ledger.Entry{Key: "a", DetailType: "T"}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Get(ctx, "j1", dynamo.MetaItem); err == nil {
		t.Fatal("Get of the meta item returned an entry")
	}
}

// A long job id whose escape would take the blob key past S3's 1,024-byte
// limit is hashed in the key; the detail still round-trips.
func TestClaimCheckKeyOfALongJobID(t *testing.T) {
	c, blobs, ctx := client(t), newBlobs(), context.Background()
	table := newTable(t, c)
	l := mustNew(t, c, table, dynamo.Options{Blobs: blobs})
	jobID := strings.Repeat("é", 256) // 512 bytes, 1,536 once escaped
	big := bigDetail(400*1024, 'z')
	if err := l.Append(ctx, jobID, ledger.Entry{Key: "big", DetailType: "T", Detail: big}); err != nil {
		t.Fatal(err)
	}
	keys := blobs.keys("")
	if len(keys) != 1 || len(keys[0]) > 200 || !strings.HasPrefix(keys[0], "ledger/sha256-") {
		t.Fatalf("blob keys %q", keys)
	}
	got, err := l.Get(ctx, jobID, "big")
	if err != nil || !bytes.Equal(got.Detail, big) {
		t.Fatalf("get: %v (detail equal %v)", err, bytes.Equal(got.Detail, big))
	}
}
