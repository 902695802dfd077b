package dynamo_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/batonrun/baton/internal/ledger"
	"github.com/batonrun/baton/internal/ledger/dynamo"
)

// scripted answers TransactWriteItems from a script (the last answer
// repeats) and records every request; GetItem finds an item only for keys
// in existing.
type scripted struct {
	dynamo.Client // nil: Query and Scan are not used here
	answers       []error
	existing      map[string]bool
	txns          []*dynamodb.TransactWriteItemsInput
	gets          []string
}

func (s *scripted) GetItem(_ context.Context, in *dynamodb.GetItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	key := in.Key[dynamo.AttrItem].(*types.AttributeValueMemberS).Value
	s.gets = append(s.gets, key)
	if s.existing[key] {
		return &dynamodb.GetItemOutput{Item: in.Key}, nil
	}
	return &dynamodb.GetItemOutput{}, nil
}

func (s *scripted) TransactWriteItems(_ context.Context, in *dynamodb.TransactWriteItemsInput, _ ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	s.txns = append(s.txns, in)
	err := s.answers[min(len(s.txns), len(s.answers))-1]
	return &dynamodb.TransactWriteItemsOutput{}, err
}

func cancelledWith(codes ...string) error {
	rs := make([]types.CancellationReason, len(codes))
	for i, c := range codes {
		rs[i] = types.CancellationReason{Code: aws.String(c)}
	}
	return &types.TransactionCanceledException{Message: aws.String("cancelled"), CancellationReasons: rs}
}

func TestAppendErrorMapping(t *testing.T) {
	es := []ledger.Entry{{Key: "a", DetailType: "T"}, {Key: "b", DetailType: "T"}}
	cases := []struct {
		name      string
		answers   []error
		existing  map[string]bool
		txns      int
		conflict  []string // nil: no conflict
		retryable bool
		ok        bool
	}{
		{name: "success", answers: []error{nil}, txns: 1, ok: true},
		{name: "entry exists", answers: []error{cancelledWith("None", "None", "ConditionalCheckFailed")}, txns: 1, conflict: []string{"b"}},
		{name: "counter and entry", answers: []error{cancelledWith("ConditionalCheckFailed", "ConditionalCheckFailed", "None")}, txns: 1, conflict: []string{"a"}},
		{name: "counter race then success", answers: []error{cancelledWith("ConditionalCheckFailed", "None", "None"), nil}, txns: 2, ok: true},
		{name: "transaction conflict then success", answers: []error{cancelledWith("None", "TransactionConflict", "None"), nil}, txns: 2, ok: true},
		{name: "endless race", answers: []error{cancelledWith("ConditionalCheckFailed", "None", "None")}, txns: 3, retryable: true},
		{name: "throttled", answers: []error{&types.ThrottlingException{Message: aws.String("slow down")}}, txns: 1, retryable: true},
		{name: "throttled action", answers: []error{cancelledWith("None", "ThrottlingError", "None")}, txns: 1, retryable: true},
		{name: "validation", answers: []error{cancelledWith("None", "ValidationError", "None")}, txns: 1},
		{name: "unknown", answers: []error{errors.New("boom")}, txns: 1},
		{name: "condition failed, entry exists", answers: []error{&types.ConditionalCheckFailedException{}}, existing: map[string]bool{"a": true}, txns: 1, conflict: []string{"a"}},
		{name: "condition failed, race", answers: []error{&types.ConditionalCheckFailedException{}, nil}, txns: 2, ok: true},
		{name: "reasons missing, entry exists", answers: []error{&types.TransactionCanceledException{}}, existing: map[string]bool{"b": true}, txns: 1, conflict: []string{"b"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fake := &scripted{answers: c.answers, existing: c.existing}
			l, err := dynamo.New(fake, "table", dynamo.Options{MaxAttempts: 3})
			if err != nil {
				t.Fatal(err)
			}
			err = l.Append(context.Background(), "j1", es...)
			if len(fake.txns) != c.txns {
				t.Errorf("transactions = %d, want %d", len(fake.txns), c.txns)
			}
			var ce *ledger.ConflictError
			switch {
			case c.ok && err != nil:
				t.Fatalf("error = %v, want nil", err)
			case c.ok:
			case c.conflict != nil:
				if !errors.As(err, &ce) || !errors.Is(err, ledger.ErrConflict) || strings.Join(ce.Keys, ",") != strings.Join(c.conflict, ",") {
					t.Fatalf("error = %v, want a conflict on %q", err, c.conflict)
				}
			case err == nil || errors.Is(err, ledger.ErrConflict):
				t.Fatalf("error = %v, want a failure that is not a conflict", err)
			case errors.Is(err, dynamo.ErrRetryable) != c.retryable:
				t.Fatalf("error = %v: retryable %v, want %v", err, !c.retryable, c.retryable)
			}
		})
	}
}

// TestAppendRequest checks the transaction's shape: the counter update
// conditioned on the value read, then conditional puts in argument order.
func TestAppendRequest(t *testing.T) {
	fake := &scripted{answers: []error{nil}}
	l, err := dynamo.New(fake, "table", dynamo.Options{Now: func() time.Time { return time.Unix(1000, 0) }})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Append(context.Background(), "j1", ledger.Entry{Key: "z", DetailType: "T"}, ledger.Entry{Key: "a", DetailType: "T"}); err != nil {
		t.Fatal(err)
	}
	in := fake.txns[0]
	if len(in.TransactItems) != 3 || in.TransactItems[0].Update == nil {
		t.Fatalf("transaction = %+v, want the meta update and two puts", in.TransactItems)
	}
	u := in.TransactItems[0].Update
	if aws.ToString(u.ConditionExpression) != "attribute_not_exists(#ls)" {
		t.Errorf("first append's counter condition = %s", aws.ToString(u.ConditionExpression))
	}
	for i, key := range []string{"z", "a"} {
		p := in.TransactItems[i+1].Put
		if p == nil || p.Item[dynamo.AttrItem].(*types.AttributeValueMemberS).Value != key ||
			p.Item["seq"].(*types.AttributeValueMemberN).Value != string(rune('1'+i)) ||
			aws.ToString(p.ConditionExpression) != "attribute_not_exists(#i)" {
			t.Errorf("put %d = %+v, want key %s at seq %d, conditional", i, p, key, i+1)
		}
	}
	if tok := aws.ToString(in.ClientRequestToken); len(tok) != 36 {
		t.Errorf("ClientRequestToken = %q, want 36 characters", tok)
	}
}

func TestNewValidates(t *testing.T) {
	if _, err := dynamo.New(&scripted{}, "ledger", dynamo.Options{}); err != nil {
		t.Fatalf("valid New: %v", err)
	}
	_, err := dynamo.New(nil, "a/b", dynamo.Options{TTL: -1, MaxInlineDetailBytes: 400 * 1024, MaxAttempts: -2})
	for _, want := range []string{"nil client", "a/b", "TTL", "MaxInlineDetailBytes", "MaxAttempts"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("New with bad arguments: error = %v, want it to name %s", err, want)
		}
	}
	if err := (dynamo.Options{TTL: time.Millisecond}).Validate(); err == nil {
		t.Error("TTL under a second accepted")
	}
}
