package claimcheck_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/claimcheck"
	"github.com/batonrun/baton/internal/claimcheck/claimchecktest"
	"github.com/batonrun/baton/internal/objstore"
)

func bigEnvelope() events.Envelope {
	detail := `{"schemaVersion":1,"s":"` + strings.Repeat("😀é", 50_000) + `"}`
	return events.Envelope{Version: "0", ID: "e1", DetailType: "RangeCompleted", Source: events.Source,
		Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Resources: []string{"r"}, Detail: json.RawMessage(detail)}
}

func TestWrapThenResolveRestoresBytes(t *testing.T) {
	ctx := context.Background()
	mem := &claimchecktest.Memory{}
	orig := bigEnvelope()
	wrapped, err := claimcheck.Wrap(ctx, mem, "payloads", orig)
	if err != nil {
		t.Fatal(err)
	}
	c, ok, err := events.ParseClaimCheck(wrapped.Detail)
	if !ok || err != nil {
		t.Fatalf("wrapped detail %s is not a claim check: %v", wrapped.Detail, err)
	}
	sum := sha256.Sum256(orig.Detail)
	want := events.ClaimCheck{Bucket: "payloads", Key: "claims/RangeCompleted/" + hex.EncodeToString(sum[:]) + ".json",
		SizeBytes: int64(len(orig.Detail)), SHA256: hex.EncodeToString(sum[:])}
	if c != want {
		t.Fatalf("claim %+v, want %+v", c, want)
	}
	if len(wrapped.Detail) > 512 || wrapped.ID != orig.ID || wrapped.DetailType != orig.DetailType || !wrapped.Time.Equal(orig.Time) {
		t.Fatalf("wrapped envelope changed more than its detail: %+v", wrapped)
	}
	got, err := claimcheck.Resolve(ctx, mem, wrapped)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Detail, orig.Detail) {
		t.Fatal("resolved detail differs from the original bytes")
	}
}

func TestWrapIsIdempotent(t *testing.T) {
	ctx := context.Background()
	mem := &claimchecktest.Memory{}
	a, err := claimcheck.Wrap(ctx, mem, "b", bigEnvelope())
	if err != nil {
		t.Fatal(err)
	}
	b, err := claimcheck.Wrap(ctx, mem, "b", bigEnvelope())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Detail, b.Detail) || len(mem.Keys()) != 1 || mem.Puts() != 2 {
		t.Fatalf("retry gave %s vs %s, keys %v", a.Detail, b.Detail, mem.Keys())
	}
}

func TestResolveLeavesOrdinaryDetails(t *testing.T) {
	env := events.Envelope{DetailType: "A", Detail: json.RawMessage(`{"schemaVersion":1}`)}
	got, err := claimcheck.Resolve(context.Background(), &claimchecktest.Memory{}, env)
	if err != nil || string(got.Detail) != string(env.Detail) {
		t.Fatalf("got %s, %v", got.Detail, err)
	}
}

func TestResolveRejectsTamperedBlobs(t *testing.T) {
	ctx := context.Background()
	for name, tamper := range map[string]func([]byte) []byte{
		"truncated": func(b []byte) []byte { return b[:len(b)-1] },
		"same size": func(b []byte) []byte { c := bytes.Clone(b); c[10] ^= 1; return c },
	} {
		mem := &claimchecktest.Memory{}
		wrapped, err := claimcheck.Wrap(ctx, mem, "b", bigEnvelope())
		if err != nil {
			t.Fatal(err)
		}
		key := mem.Keys()[0]
		data, _ := mem.GetBlob(ctx, key)
		if err := mem.PutBlob(ctx, key, tamper(data)); err != nil {
			t.Fatal(err)
		}
		_, err = claimcheck.Resolve(ctx, mem, wrapped)
		if !errors.Is(err, claimcheck.ErrMismatch) || !strings.Contains(err.Error(), key) {
			t.Errorf("%s: got %v, want ErrMismatch naming %s", name, err, key)
		}
	}
}

func TestResolveMissingAndMalformed(t *testing.T) {
	ctx := context.Background()
	wrapped, err := claimcheck.Wrap(ctx, &claimchecktest.Memory{}, "b", bigEnvelope())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := claimcheck.Resolve(ctx, &claimchecktest.Memory{}, wrapped); !errors.Is(err, objstore.ErrNotFound) {
		t.Errorf("missing blob: got %v", err)
	}
	bad := events.Envelope{DetailType: "A", Detail: json.RawMessage(`{"claimCheck":{"bucket":"b"}}`)}
	if _, err := claimcheck.Resolve(ctx, &claimchecktest.Memory{}, bad); !errors.Is(err, events.ErrMalformed) {
		t.Errorf("malformed claim: got %v", err)
	}
}

type failingBlobs struct{ claimchecktest.Memory }

var errDown = errors.New("store down")

func (*failingBlobs) PutBlob(context.Context, string, []byte) error { return errDown }

func TestWrapErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := claimcheck.Wrap(ctx, &failingBlobs{}, "b", bigEnvelope()); !errors.Is(err, errDown) || !strings.Contains(err.Error(), "RangeCompleted") {
		t.Errorf("put failure: got %v", err)
	}
	if _, err := claimcheck.Wrap(ctx, &claimchecktest.Memory{}, "", bigEnvelope()); err == nil {
		t.Error("empty bucket accepted")
	}
	bad := bigEnvelope()
	bad.Detail = json.RawMessage(`{`)
	if _, err := claimcheck.Wrap(ctx, &claimchecktest.Memory{}, "b", bad); err == nil {
		t.Error("invalid JSON detail accepted")
	}
}

func TestKeyEscapesDetailType(t *testing.T) {
	if k := claimcheck.Key("a/b c", "ff"); k != "claims/a%2Fb%20c/ff.json" {
		t.Fatalf("Key = %q", k)
	}
}
