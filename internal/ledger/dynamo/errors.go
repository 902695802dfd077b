package dynamo

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/batonrun/baton/internal/ledger"
)

// ErrRetryable marks a failure that left nothing written and may succeed
// if the call is made again later: throttling, a transaction conflict, or a
// counter that kept moving. Branch on it with errors.Is; every other error
// from this package is permanent for the same input (or a context error).
var ErrRetryable = errors.New("dynamo ledger: temporary failure, retry later")

// Cancellation reason codes of TransactionCanceledException.
const (
	reasonConditionFailed = "ConditionalCheckFailed"
	reasonTxConflict      = "TransactionConflict"
)

// classify interprets a failed append transaction: a conflict on an entry
// gives *ledger.ConflictError; a lost race for the counter gives
// raced=true; anything else is translated by edgeError.
func (l *Ledger) classify(ctx context.Context, jobID string, es []ledger.Entry, err error) (raced bool, _ error) {
	var tce *types.TransactionCanceledException
	var ccf *types.ConditionalCheckFailedException
	var tc *types.TransactionConflictException
	var tip *types.TransactionInProgressException
	switch {
	case errors.As(err, &tce) && len(tce.CancellationReasons) == len(es)+1:
		return l.cancelled(jobID, es, tce.CancellationReasons, err)
	case errors.As(err, &tce), errors.As(err, &ccf):
		// No per-action reasons: find out which condition failed by reading.
		return l.conflictOrRace(ctx, jobID, es, err)
	case errors.As(err, &tc), errors.As(err, &tip):
		return true, err
	}
	return false, l.edgeError(fmt.Sprintf("job %s: appending %d entries", jobID, len(es)), err)
}

// cancelled maps CancellationReasons (the meta update first, then one per
// entry) to a conflict, a race or a plain failure.
func (l *Ledger) cancelled(jobID string, es []ledger.Entry, reasons []types.CancellationReason, err error) (bool, error) {
	var existing []string
	raced := false
	for i, r := range reasons {
		code := aws.ToString(r.Code)
		switch {
		case code == reasonConditionFailed && i > 0:
			existing = append(existing, es[i-1].Key)
		case code == reasonConditionFailed, code == reasonTxConflict:
			raced = true
		case code == "ThrottlingError" || code == "ProvisionedThroughputExceeded":
			return false, fmt.Errorf("dynamo ledger: job %s: appending %d entries: action %d cancelled with %s: %w: %w", jobID, len(es), i, code, ErrRetryable, err)
		case code != "" && code != "None":
			return false, l.edgeError(fmt.Sprintf("job %s: appending %d entries: action %d cancelled with %s", jobID, len(es), i, code), err)
		}
	}
	if len(existing) > 0 {
		return false, &ledger.ConflictError{JobID: jobID, Keys: existing}
	}
	if raced {
		return true, err
	}
	return false, l.edgeError(fmt.Sprintf("job %s: appending %d entries", jobID, len(es)), err)
}

// conflictOrRace reads the entries' keys after a condition failure that did
// not say which action failed: existing keys mean a conflict, none a race.
func (l *Ledger) conflictOrRace(ctx context.Context, jobID string, es []ledger.Entry, err error) (bool, error) {
	var existing []string
	for _, e := range es {
		out, gerr := l.client.GetItem(ctx, &dynamodb.GetItemInput{
			TableName: aws.String(l.table), Key: primaryKey(jobID, e.Key), ConsistentRead: aws.Bool(true),
			ProjectionExpression: aws.String("#i"), ExpressionAttributeNames: map[string]string{"#i": AttrItem},
		})
		if gerr != nil {
			return false, l.edgeError(fmt.Sprintf("job %s key %s: checking after a failed condition (%v)", jobID, e.Key, err), gerr)
		}
		if out.Item != nil {
			existing = append(existing, e.Key)
		}
	}
	if len(existing) > 0 {
		return false, &ledger.ConflictError{JobID: jobID, Keys: existing}
	}
	return true, err
}

// edgeError wraps an SDK error with context, adding ErrRetryable for the
// failures DynamoDB documents as transient.
func (l *Ledger) edgeError(what string, err error) error {
	var rnf *types.ResourceNotFoundException
	switch {
	case isRetryable(err):
		return fmt.Errorf("dynamo ledger: table %s: %s: %w: %w", l.table, what, ErrRetryable, err)
	case errors.As(err, &rnf):
		return fmt.Errorf("dynamo ledger: table %s does not exist in this region (check the name and AWS_REGION): %s: %w", l.table, what, err)
	}
	return fmt.Errorf("dynamo ledger: table %s: %s: %w", l.table, what, err)
}

func isRetryable(err error) bool {
	var (
		thr *types.ThrottlingException
		pte *types.ProvisionedThroughputExceededException
		rle *types.RequestLimitExceeded
		tc  *types.TransactionConflictException
		ise *types.InternalServerError
	)
	return errors.As(err, &thr) || errors.As(err, &pte) || errors.As(err, &rle) || errors.As(err, &tc) || errors.As(err, &ise)
}
