package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/batonrun/baton/internal/awstest"
)

// startProbePool runs the probe function (testdata/probe) in n emulators.
func startProbePool(t *testing.T, n int, tag string) *pool {
	t.Helper()
	dir := t.TempDir()
	return startPool(t, poolSpec{Name: "probe", RIE: awstest.RIE(t),
		Bootstrap: buildBootstrap(t, dir, "./internal/e2e/testdata/probe", "probe"),
		Size:      n, Timeout: 1, Env: []string{"PROBE_TAG=" + tag}, LogDir: dir})
}

type probeReply struct {
	Tag            string          `json:"tag"`
	Event          json.RawMessage `json:"event"`
	DeadlineMillis int64           `json:"deadlineMillis"`
}

// More concurrent invocations than containers all succeed, each on an idle
// container, with the pool's environment and a deadline from the timeout.
func TestPoolServesConcurrentInvocations(t *testing.T) {
	p := startProbePool(t, 2, "tag-1")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() {
			payload := fmt.Sprintf(`{"n":%d,"sleepMillis":50}`, i)
			body, err := p.invoke(ctx, []byte(payload))
			if err != nil {
				errs[i] = err
				return
			}
			var r probeReply
			if err := json.Unmarshal(body, &r); err != nil {
				errs[i] = fmt.Errorf("reply %s: %w", body, err)
				return
			}
			if r.Tag != "tag-1" || string(r.Event) != payload {
				errs[i] = fmt.Errorf("reply %s to %s", body, payload)
			}
			if r.DeadlineMillis <= 0 || r.DeadlineMillis > 1000 {
				errs[i] = fmt.Errorf("deadline %d ms left of a 1 s timeout", r.DeadlineMillis)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("%v\n%s", err, p.logs(4000))
	}
}

// A function error and a timeout are errFunction; the container serves
// again afterwards.
func TestPoolReportsErrorsAndTimeouts(t *testing.T) {
	p := startProbePool(t, 1, "tag-2")
	ctx := context.Background()
	if _, err := p.invoke(ctx, []byte(`{"fail":true}`)); !errors.Is(err, errFunction) {
		t.Fatalf("failing handler: %v", err)
	}
	if _, err := p.invoke(ctx, []byte(`{"sleepMillis":1500}`)); !errors.Is(err, errFunction) {
		t.Fatalf("handler past its timeout: %v", err)
	}
	if body, err := p.invoke(ctx, []byte(`{"ok":1}`)); err != nil {
		t.Fatalf("after a timeout: %v\n%s", err, p.logs(4000))
	} else if !json.Valid(body) {
		t.Fatalf("reply %s", body)
	}
}
