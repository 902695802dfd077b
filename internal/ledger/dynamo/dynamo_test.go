package dynamo_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/batonrun/baton/internal/awstest"
	"github.com/batonrun/baton/internal/ledger/dynamo"
	"github.com/batonrun/baton/internal/ledger/ledgertest"
)

func TestMain(m *testing.M) { awstest.Main(m) }

// client returns an SDK client for this binary's DynamoDB Local.
func client(t *testing.T) *dynamodb.Client {
	t.Helper()
	return dynamodb.NewFromConfig(awstest.Config(awstest.DynamoDB(t)))
}

// newTable creates a ledger table with a name of its own.
func newTable(t *testing.T, c dynamo.TableAdmin) string {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "ledger-" + hex.EncodeToString(b[:])
	if err := dynamo.CreateTable(context.Background(), c, name); err != nil {
		t.Fatal(err)
	}
	return name
}

func mustNew(t *testing.T, c dynamo.Client, table string, o dynamo.Options) *dynamo.Ledger {
	t.Helper()
	l, err := dynamo.New(c, table, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return l
}

// memBlobs is an in-memory Blobs store.
type memBlobs struct {
	mu   sync.Mutex
	objs map[string][]byte
	puts int
}

func newBlobs() *memBlobs { return &memBlobs{objs: map[string][]byte{}} }

func (b *memBlobs) PutBlob(_ context.Context, key string, data []byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.objs[key] = append([]byte(nil), data...)
	b.puts++
	return nil
}

func (b *memBlobs) GetBlob(_ context.Context, key string) ([]byte, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	d, ok := b.objs[key]
	if !ok {
		return nil, &missingBlob{key}
	}
	return append([]byte(nil), d...), nil
}

func (b *memBlobs) keys(prefix string) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var ks []string
	for k := range b.objs {
		if strings.HasPrefix(k, prefix) {
			ks = append(ks, k)
		}
	}
	return ks
}

type missingBlob struct{ key string }

func (e *missingBlob) Error() string { return "no such blob " + e.key }

// conformance runs the ledgertest suite with Options o (Blobs shared);
// goroutines 0 means the suite's default.
func conformance(t *testing.T, o dynamo.Options, goroutines int) {
	c := client(t)
	f := ledgertest.Features{
		Persistent: true,
		Goroutines: goroutines,
		Retryable:  func(err error) bool { return errors.Is(err, dynamo.ErrRetryable) },
		Reopen: func(t *testing.T, old ledgertest.Ledger) ledgertest.Ledger {
			table := old.(*dynamo.Ledger).Table()
			if err := old.Close(); err != nil {
				t.Fatal(err)
			}
			return mustNew(t, client(t), table, o)
		},
	}
	ledgertest.Run(t, f, func(t *testing.T) ledgertest.Ledger {
		return mustNew(t, c, newTable(t, c), o)
	})
}

func TestConformance(t *testing.T) { conformance(t, dynamo.Options{}, 0) }

// TestConformanceClaimCheck runs the suite with every detail over 16 bytes
// in the object store, so that reads resolve claim checks everywhere.
func TestConformanceClaimCheck(t *testing.T) {
	blobs := newBlobs()
	conformance(t, dynamo.Options{MaxInlineDetailBytes: 16, Blobs: blobs}, 8)
	if len(blobs.keys("ledger/")) == 0 {
		t.Fatal("no detail went to the object store")
	}
}
