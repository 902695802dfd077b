package worker

import (
	"encoding/json"
	"fmt"
	"sync"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/jobspec"
)

// compiledCache keeps the last compiled job spec of a warm container:
// every hop of a range brings the same spec, and parsing and binding the
// SQL again on each hop is work done twice. jobspec.Compiled is immutable,
// so concurrent invocations share it. Safe for concurrent use.
type compiledCache struct {
	mu  sync.Mutex
	key string
	c   *jobspec.Compiled
}

func (cc *compiledCache) get(spec events.JobSpec) (*jobspec.Compiled, error) {
	raw, err := json.Marshal(spec)
	if err != nil {
		return nil, fmt.Errorf("encoding job spec: %w", err)
	}
	key := string(raw)
	cc.mu.Lock()
	if cc.c != nil && cc.key == key {
		c := cc.c
		cc.mu.Unlock()
		return c, nil
	}
	cc.mu.Unlock()
	c, err := jobspec.Compile(spec, nil)
	if err != nil {
		return nil, err
	}
	cc.mu.Lock()
	cc.key, cc.c = key, c
	cc.mu.Unlock()
	return c, nil
}
