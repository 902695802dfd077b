// Package eventbridge is the bus port's publisher on Amazon EventBridge
// (AWS SDK for Go v2): Publish sends events with PutEvents in calls of at
// most events.MaxEntriesPerPut entries and events.MaxEntryBytes bytes,
// moves an entry over the byte limit to the object store through a claim
// check, and retries only the entries a call reports as failed.
package eventbridge

import (
	"context"

	sdk "github.com/aws/aws-sdk-go-v2/service/eventbridge"
)

// PutEventsAPI is the one EventBridge operation the publisher calls.
// *eventbridge.Client implements it; a test fake records the requests.
type PutEventsAPI interface {
	PutEvents(ctx context.Context, in *sdk.PutEventsInput, optFns ...func(*sdk.Options)) (*sdk.PutEventsOutput, error)
}
