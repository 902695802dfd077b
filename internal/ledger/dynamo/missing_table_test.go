package dynamo_test

import (
	"context"
	"strings"
	"testing"

	"github.com/batonrun/baton/internal/ledger"
	"github.com/batonrun/baton/internal/ledger/dynamo"
)

// A table that does not exist is named in every error, with the likely
// cause, instead of DynamoDB's bare ResourceNotFoundException.
func TestMissingTableIsNamed(t *testing.T) {
	l := mustNew(t, client(t), "baton-no-such-table", dynamo.Options{})
	ctx := context.Background()
	_, getErr := l.Get(ctx, "j", "k")
	appendErr := l.Append(ctx, "j", ledger.Entry{Key: "k", DetailType: "T", Detail: []byte(`{}`)})
	_, listErr := l.List(ctx, "j", "")
	for name, err := range map[string]error{"get": getErr, "append": appendErr, "list": listErr} {
		if err == nil || !strings.Contains(err.Error(), "table baton-no-such-table does not exist") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
