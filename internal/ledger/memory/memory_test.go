package memory_test

import (
	"testing"

	"github.com/batonrun/baton/internal/ledger/ledgertest"
	"github.com/batonrun/baton/internal/ledger/memory"
)

func TestConformance(t *testing.T) {
	ledgertest.Run(t, ledgertest.Features{}, func(t *testing.T) ledgertest.Ledger {
		return memory.New()
	})
}
