package eventbridge_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/awstest"
	"github.com/batonrun/baton/internal/bus/bustest"
	"github.com/batonrun/baton/internal/bus/eventbridge"
	"github.com/batonrun/baton/internal/objstore"
)

// names makes per-test unique, DNS-safe resource names (moto state is
// shared by the tests of this binary).
var names atomic.Int64

func uniqueName(prefix string) string {
	return fmt.Sprintf("%s-%d-%d", prefix, time.Now().UnixNano()%1_000_000_000, names.Add(1))
}

// TestMotoConformance runs the bus suite against EventBridge on moto: a
// custom bus, one rule per subscription matching source "baton" and its
// detail-types, an SQS queue as each rule's target, and claim checks in an
// S3 bucket. moto re-serialises the detail (non-ASCII becomes \u escapes),
// so details are compared as JSON values.
func TestMotoConformance(t *testing.T) {
	cfg := awstest.Config(awstest.Moto(t))
	eb := sdk.NewFromConfig(cfg)
	sq := sqs.NewFromConfig(cfg)
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	f := bustest.Features{ReencodesDetail: true, ClaimChecks: true, ChunksCalls: true}
	bustest.TestBus(t, f, func(t *testing.T, subs []bustest.Subscription) bustest.Harness {
		ctx := context.Background()
		bus := uniqueName("baton-bus")
		if _, err := eb.CreateEventBus(ctx, &sdk.CreateEventBusInput{Name: aws.String(bus)}); err != nil {
			t.Fatal(err)
		}
		queues := map[string]string{}
		for _, s := range subs {
			queues[s.Name] = subscribe(ctx, t, eb, sq, bus, s)
		}
		blobs := newS3Blobs(ctx, t, s3c, uniqueName("baton-claims"))
		p := newPublisher(t, eb, eventbridge.Options{BusName: bus, Blobs: blobs, PayloadBucket: blobs.bucket})
		return bustest.Harness{Publisher: p, Blobs: blobs, Receive: func(ctx context.Context, sub string) ([]events.Envelope, error) {
			return receive(ctx, sq, queues[sub])
		}}
	})
}

// subscribe creates a queue and a rule on bus sending s's detail-types to
// it, and returns the queue URL.
func subscribe(ctx context.Context, t *testing.T, eb *sdk.Client, sq *sqs.Client, bus string, s bustest.Subscription) string {
	t.Helper()
	q, err := sq.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(bus + "-" + s.Name)})
	if err != nil {
		t.Fatal(err)
	}
	attrs, err := sq.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl,
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatal(err)
	}
	pattern, err := json.Marshal(map[string][]string{"source": {events.Source}, "detail-type": s.DetailTypes})
	if err != nil {
		t.Fatal(err)
	}
	rule := aws.String(s.Name)
	if _, err := eb.PutRule(ctx, &sdk.PutRuleInput{Name: rule, EventBusName: aws.String(bus), EventPattern: aws.String(string(pattern))}); err != nil {
		t.Fatal(err)
	}
	target := ebTarget(s.Name, attrs.Attributes[string(sqstypes.QueueAttributeNameQueueArn)])
	out, err := eb.PutTargets(ctx, &sdk.PutTargetsInput{Rule: rule, EventBusName: aws.String(bus), Targets: target})
	if err != nil || out.FailedEntryCount > 0 {
		t.Fatalf("targets for %s: %v %+v", s.Name, err, out)
	}
	return aws.ToString(q.QueueUrl)
}

// receive takes the messages waiting in a queue (deleting them) and decodes
// each body, the event as EventBridge delivers it, into an envelope.
func receive(ctx context.Context, sq *sqs.Client, url string) ([]events.Envelope, error) {
	out, err := sq.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10, WaitTimeSeconds: 0})
	if err != nil {
		return nil, err
	}
	var envs []events.Envelope
	for _, m := range out.Messages {
		var env events.Envelope
		if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &env); err != nil {
			return nil, fmt.Errorf("message %s: %w", aws.ToString(m.MessageId), err)
		}
		envs = append(envs, env)
		if _, err := sq.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle}); err != nil {
			return nil, err
		}
	}
	return envs, nil
}

// s3Blobs is a minimal claimcheck.Blobs on one bucket, for this test only
// (the product adapter is objstore/s3store).
type s3Blobs struct {
	api    *s3.Client
	bucket string
}

func newS3Blobs(ctx context.Context, t *testing.T, api *s3.Client, bucket string) *s3Blobs {
	t.Helper()
	if _, err := api.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	return &s3Blobs{api: api, bucket: bucket}
}

func (b *s3Blobs) PutBlob(ctx context.Context, key string, data []byte) error {
	_, err := b.api.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b.bucket), Key: aws.String(key), Body: bytes.NewReader(data)})
	return err
}

func (b *s3Blobs) GetBlob(ctx context.Context, key string) ([]byte, error) {
	out, err := b.api.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(b.bucket), Key: aws.String(key)})
	var nsk *s3types.NoSuchKey
	if errors.As(err, &nsk) {
		return nil, fmt.Errorf("%s/%s: %w", b.bucket, key, objstore.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	defer out.Body.Close()
	return io.ReadAll(out.Body)
}

func ebTarget(id, arn string) []ebtypes.Target {
	return []ebtypes.Target{{Id: aws.String(id), Arn: aws.String(arn)}}
}
