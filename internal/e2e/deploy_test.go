package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsevents "github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// routing is the template's EventBridge wiring created in moto: the custom
// bus, each rule (on its bus, with its pattern) and, standing in for each
// target function, one SQS queue the dispatcher reads.
type routing struct {
	Bus    string            // the custom bus's name
	Queues map[string]string // function name -> queue URL
	Rules  []string          // rule names created (for reports)
}

// deployRouting creates the custom bus named bus and the template's rules
// in moto. refs resolves the patterns' Refs (the input bucket's logical id
// to the test's bucket name); prefix makes rule and queue names unique in
// moto's shared state.
func deployRouting(ctx context.Context, t *testing.T, s *stack, eb *awsevents.Client, q *sqs.Client, bus, prefix string, refs map[string]string) routing {
	t.Helper()
	rs, err := s.routes()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := eb.CreateEventBus(ctx, &awsevents.CreateEventBusInput{Name: aws.String(bus)}); err != nil {
		t.Fatalf("creating bus %s: %v", bus, err)
	}
	out := routing{Bus: bus, Queues: map[string]string{}}
	arns := map[string]string{}
	for _, r := range rs {
		if _, ok := out.Queues[r.Function]; !ok {
			url, arn := createQueue(ctx, t, q, prefix+"-"+r.Function)
			out.Queues[r.Function], arns[r.Function] = url, arn
		}
		busName := "default"
		if r.Bus != "" {
			busName = bus
		}
		pattern, err := s.resolve(r.Pattern, refs)
		if err != nil {
			t.Fatalf("rule %s: %v", r.Rule, err)
		}
		raw, err := json.Marshal(pattern)
		if err != nil {
			t.Fatal(err)
		}
		name := prefix + "-" + r.Rule
		if _, err := eb.PutRule(ctx, &awsevents.PutRuleInput{Name: aws.String(name), EventBusName: aws.String(busName),
			EventPattern: aws.String(string(raw)), State: ebtypes.RuleStateEnabled}); err != nil {
			t.Fatalf("rule %s: %v", r.Rule, err)
		}
		if _, err := eb.PutTargets(ctx, &awsevents.PutTargetsInput{Rule: aws.String(name), EventBusName: aws.String(busName),
			Targets: []ebtypes.Target{{Id: aws.String(r.Function), Arn: aws.String(arns[r.Function])}}}); err != nil {
			t.Fatalf("targets of rule %s: %v", r.Rule, err)
		}
		out.Rules = append(out.Rules, fmt.Sprintf("%s on %s -> %s: %s", name, busName, r.Function, raw))
	}
	return out
}

func createQueue(ctx context.Context, t *testing.T, q *sqs.Client, name string) (url, arn string) {
	t.Helper()
	created, err := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name)})
	if err != nil {
		t.Fatalf("queue %s: %v", name, err)
	}
	attrs, err := q.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: created.QueueUrl,
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatalf("queue %s: %v", name, err)
	}
	return *created.QueueUrl, attrs.Attributes[string(sqstypes.QueueAttributeNameQueueArn)]
}
