package memory

import (
	"fmt"

	"github.com/batonrun/baton/internal/ledger"
)

func notFound(jobID, key string) error {
	return fmt.Errorf("job %s key %s: %w", jobID, key, ledger.ErrNotFound)
}
