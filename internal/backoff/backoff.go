// Package backoff holds what the adapters' retry loops share.
package backoff

import (
	"context"
	"time"
)

// Sleep waits d, or until ctx is done, then returning ctx.Err(). It is
// the default sleep of the adapters' retries; tests inject their own.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
