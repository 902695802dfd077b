package failure_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/failure"
	"github.com/batonrun/baton/internal/objstore"
	"github.com/batonrun/baton/internal/query"
)

func TestCodes(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("head s3://b/k: %w", objstore.ErrAccessDenied), events.CodeAccessDenied},
		{fmt.Errorf("x: %w", objstore.ErrNotFound), events.CodeObjectMissing},
		{&objstore.ChangedError{Key: "k", Err: objstore.ErrNotFound}, events.CodeObjectChanged},
		{fmt.Errorf("range size: %w", failure.ErrBadRequest), events.CodeBadRequest},
		{fmt.Errorf("range 3: %w", failure.ErrHopCap), events.CodeHopCap},
		{fmt.Errorf("x: %w", failure.ErrPermanent), events.CodeInternal},
		{fmt.Errorf("finalizing result: %w", &query.ValueError{Expr: "sum(v) / count(v)", OffsetBytes: -1, Reason: "is not a number"}), events.CodeBadQuery},
		{fmt.Errorf("range 2: %w", &query.ValueError{Expr: "sum(v)", OffsetBytes: 40, Reason: "is not a number"}), events.CodeBadRecord},
		{context.DeadlineExceeded, ""},
		{errors.New("throttled"), ""},
		{nil, ""},
	} {
		if got := failure.Code(tc.err); got != tc.want {
			t.Errorf("Code(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
