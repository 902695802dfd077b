package deploy

import (
	"fmt"
	"strings"
	"testing"
)

// at returns the mapping at keys in tmpl, failing the test if it is absent.
func at(t *testing.T, tmpl tree, keys ...string) tree {
	t.Helper()
	m, ok := get(tmpl, keys...).(tree)
	if !ok {
		t.Fatalf("no mapping at %s", strings.Join(keys, "."))
	}
	return m
}

// pr is resource id's Properties in tmpl.
func pr(t *testing.T, tmpl tree, id string) tree {
	t.Helper()
	return at(t, tmpl, "Resources", id, "Properties")
}

// target0 is the first target of rule id.
func target0(t *testing.T, tmpl tree, id string) tree {
	t.Helper()
	return list(pr(t, tmpl, id)["Targets"])[0].(tree)
}

// statement returns statement sid of role id's first inline policy.
func statement(t *testing.T, tmpl tree, role, sid string) tree {
	t.Helper()
	doc := list(pr(t, tmpl, role)["Policies"])[0]
	for _, s := range statements(get(doc, "PolicyDocument")) {
		if s["Sid"] == sid {
			return s
		}
	}
	t.Fatalf("%s has no statement %s", role, sid)
	return nil
}

func getAtt(id, attr string) tree { return tree{"Fn::GetAtt": []any{id, attr}} }

// TestEachCheckFires breaks the template one way at a time and expects the
// named check to report it, so none of the checks can pass vacuously.
func TestEachCheckFires(t *testing.T) {
	cases := []struct {
		name, check, want string
		break_            func(*testing.T, tree)
	}{
		{"no tracing", "functions", "Tracing", func(t *testing.T, m tree) { delete(pr(t, m, "WorkerFunction"), "Tracing") }},
		{"x86", "functions", "arm64", func(t *testing.T, m tree) { pr(t, m, "AggregatorFunction")["Architectures"] = []any{"x86_64"} }},
		{"old runtime", "functions", "provided.al2023", func(t *testing.T, m tree) { pr(t, m, "SplitterFunction")["Runtime"] = "go1.x" }},
		{"handler", "functions", "bootstrap", func(t *testing.T, m tree) { pr(t, m, "WorkerFunction")["Handler"] = "main" }},
		{"code not from scripts/package", "functions", "CodeUri", func(t *testing.T, m tree) { pr(t, m, "WorkerFunction")["CodeUri"] = "../functions/worker/" }},
		{"two workers", "functions", "exactly 1", func(t *testing.T, m tree) { pr(t, m, "AggregatorFunction")["CodeUri"] = "../bin/lambda/worker.zip" }},
		{"default async retries", "functions", "MaximumRetryAttempts", func(t *testing.T, m tree) {
			delete(at(t, pr(t, m, "SplitterFunction"), "EventInvokeConfig"), "MaximumRetryAttempts")
		}},
		{"no async event age", "functions", "MaximumEventAgeInSeconds", func(t *testing.T, m tree) {
			delete(at(t, pr(t, m, "WorkerFunction"), "EventInvokeConfig"), "MaximumEventAgeInSeconds")
		}},
		{"no failure destination", "functions", "lost", func(t *testing.T, m tree) {
			delete(at(t, pr(t, m, "AggregatorFunction"), "EventInvokeConfig"), "DestinationConfig")
		}},
		{"role cannot send to its DLQ", "functions", "sqs:SendMessage", func(t *testing.T, m tree) {
			statement(t, m, "WorkerRole", "DeadLetters")["Resource"] = getAtt("AggregatorDLQ", "Arn")
		}},
		{"no rule retry policy", "rules", "RetryPolicy", func(t *testing.T, m tree) { delete(target0(t, m, "RangeRule"), "RetryPolicy") }},
		{"no rule DLQ", "rules", "DeadLetterConfig", func(t *testing.T, m tree) { delete(target0(t, m, "FanInRule"), "DeadLetterConfig") }},
		{"DLQ policy for another rule", "rules", "aws:SourceArn", func(t *testing.T, m tree) {
			s := statements(get(pr(t, m, "WorkerDLQPolicy"), "PolicyDocument"))[0]
			at(t, s, "Condition", "ArnEquals")["aws:SourceArn"] = getAtt("FanInRule", "Arn")
		}},
		{"no invoke permission", "rules", "Permission", func(t *testing.T, m tree) { delete(at(t, m, "Resources"), "ObjectCreatedPermission") }},
		{"service wildcard", "iam", "s3:*", func(t *testing.T, m tree) { statement(t, m, "SplitterRole", "ReadInput")["Action"] = "s3:*" }},
		{"star action", "iam", `"*"`, func(t *testing.T, m tree) { statement(t, m, "AggregatorRole", "Publish")["Action"] = []any{"*"} }},
		{"NotAction", "iam", "NotAction", func(t *testing.T, m tree) { statement(t, m, "WorkerRole", "Ledger")["NotAction"] = "iam:PassRole" }},
		{"star resource", "iam", "Resource", func(t *testing.T, m tree) { statement(t, m, "WorkerRole", "Ledger")["Resource"] = "*" }},
		{"queue policy wildcard", "iam", "sqs:*", func(t *testing.T, m tree) {
			statements(get(pr(t, m, "SplitterDLQPolicy"), "PolicyDocument"))[0]["Action"] = "sqs:*"
		}},
		{"unknown detail-type", "routing", "RangeAssignd", func(t *testing.T, m tree) {
			at(t, pr(t, m, "RangeRule"), "EventPattern")["detail-type"] = []any{"RangeAssignd", "RangeContinued"}
		}},
		{"fan-in to the worker", "routing", "want aggregator", func(t *testing.T, m tree) { target0(t, m, "FanInRule")["Arn"] = getAtt("WorkerFunction", "Arn") }},
		{"routed twice", "routing", "exactly 1", func(t *testing.T, m tree) {
			at(t, pr(t, m, "JobRequestedRule"), "EventPattern")["detail-type"] = []any{"JobRequested", "RangeAssigned"}
		}},
		{"not routed", "routing", "matched by 0", func(t *testing.T, m tree) {
			at(t, pr(t, m, "RangeRule"), "EventPattern")["detail-type"] = []any{"RangeAssigned"}
		}},
		{"pattern without detail-type", "routing", "detail-type", func(t *testing.T, m tree) {
			delete(at(t, pr(t, m, "FanInRule"), "EventPattern"), "detail-type")
		}},
		{"job requests on the default bus", "routing", "custom bus", func(t *testing.T, m tree) { delete(pr(t, m, "JobRequestedRule"), "EventBusName") }},
		{"wrong source", "routing", "source", func(t *testing.T, m tree) {
			at(t, pr(t, m, "RangeRule"), "EventPattern")["source"] = []any{"aws.s3"}
		}},
		{"uploads on the custom bus", "routing", "default bus", func(t *testing.T, m tree) {
			pr(t, m, "ObjectCreatedRule")["EventBusName"] = tree{"Ref": "EventBus"}
		}},
		{"uploads from any bucket", "routing", "bucket.name", func(t *testing.T, m tree) {
			delete(at(t, pr(t, m, "ObjectCreatedRule"), "EventPattern"), "detail")
		}},
		{"missing splitter variable", "env", "BATON_UPLOAD_QUERY", func(t *testing.T, m tree) {
			delete(at(t, pr(t, m, "SplitterFunction"), "Environment", "Variables"), "BATON_UPLOAD_QUERY")
		}},
		{"missing required variable", "env", "BATON_EVENT_BUS", func(t *testing.T, m tree) {
			delete(at(t, pr(t, m, "AggregatorFunction"), "Environment", "Variables"), "BATON_EVENT_BUS")
		}},
		{"misspelt variable", "env", "BATON_TABEL", func(t *testing.T, m tree) {
			at(t, pr(t, m, "WorkerFunction"), "Environment", "Variables")["BATON_TABEL"] = tree{"Ref": "LedgerTable"}
		}},
		{"splitter-only variable on the worker", "env", "BATON_UPLOAD_QUERY", func(t *testing.T, m tree) {
			at(t, pr(t, m, "WorkerFunction"), "Environment", "Variables")["BATON_UPLOAD_QUERY"] = "SELECT 1"
		}},
		{"table points at a bucket", "env", "BATON_TABLE", func(t *testing.T, m tree) {
			at(t, pr(t, m, "WorkerFunction"), "Environment", "Variables")["BATON_TABLE"] = tree{"Ref": "PayloadBucket"}
		}},
		{"claim checks in the input bucket", "env", "BATON_PAYLOAD_BUCKET", func(t *testing.T, m tree) {
			at(t, pr(t, m, "SplitterFunction"), "Environment", "Variables")["BATON_PAYLOAD_BUCKET"] = tree{"Ref": "InputBucket"}
		}},
		{"local backend", "env", "BATON_BACKEND", func(t *testing.T, m tree) {
			at(t, pr(t, m, "SplitterFunction"), "Environment", "Variables")["BATON_BACKEND"] = "local"
		}},
		{"TTL attribute", "storage", "expiresAt", func(t *testing.T, m tree) {
			at(t, pr(t, m, "LedgerTable"), "TimeToLiveSpecification")["AttributeName"] = "ttl"
		}},
		{"no PITR", "storage", "point-in-time", func(t *testing.T, m tree) { delete(pr(t, m, "LedgerTable"), "PointInTimeRecoverySpecification") }},
		{"provisioned", "storage", "PAY_PER_REQUEST", func(t *testing.T, m tree) { pr(t, m, "LedgerTable")["BillingMode"] = "PROVISIONED" }},
		{"sort key", "storage", "KeySchema", func(t *testing.T, m tree) {
			list(pr(t, m, "LedgerTable")["KeySchema"])[1].(tree)["AttributeName"] = "sk"
		}},
		{"claim checks never expire", "storage", "lifecycle", func(t *testing.T, m tree) { delete(pr(t, m, "PayloadBucket"), "LifecycleConfiguration") }},
		{"input bucket without EventBridge", "storage", "want exactly the input bucket", func(t *testing.T, m tree) {
			delete(pr(t, m, "InputBucket"), "NotificationConfiguration")
		}},
		{"ledger dropped with the stack", "storage", "must not drop every result", func(t *testing.T, m tree) {
			delete(at(t, m, "Resources", "LedgerTable"), "DeletionPolicy")
		}},
		{"ledger dropped on replacement", "storage", "must not drop every result", func(t *testing.T, m tree) {
			at(t, m, "Resources", "LedgerTable")["UpdateReplacePolicy"] = "Delete"
		}},
		{"input bucket deleted with the stack", "input", "holds the user's data", func(t *testing.T, m tree) {
			delete(at(t, m, "Resources", "InputBucket"), "DeletionPolicy")
		}},
		{"input bucket unversioned", "input", "no version-id", func(t *testing.T, m tree) {
			delete(pr(t, m, "InputBucket"), "VersioningConfiguration")
		}},
		{"input versioning suspended", "input", `"Suspended"`, func(t *testing.T, m tree) {
			at(t, pr(t, m, "InputBucket"), "VersioningConfiguration")["Status"] = "Suspended"
		}},
		{"replaced versions kept forever", "input", "NoncurrentVersionExpiration", func(t *testing.T, m tree) {
			delete(pr(t, m, "InputBucket"), "LifecycleConfiguration")
		}},
		{"replaced versions kept a fixed time", "input", "NoncurrentVersionExpiration", func(t *testing.T, m tree) {
			r := list(get(pr(t, m, "InputBucket"), "LifecycleConfiguration", "Rules"))[0].(tree)
			at(t, r, "NoncurrentVersionExpiration")["NoncurrentDays"] = "7"
		}},
		{"worker cannot read pinned versions", "input", "s3:GetObjectVersion", func(t *testing.T, m tree) {
			statement(t, m, "WorkerRole", "ReadInput")["Action"] = []any{"s3:GetObject"}
		}},
		{"splitter reads another bucket", "input", "s3:GetObject ", func(t *testing.T, m tree) {
			statement(t, m, "SplitterRole", "ReadInput")["Resource"] = tree{"Fn::Sub": "${PayloadBucket.Arn}/*"}
		}},
		{"allow-list is the payload bucket", "allowlist", "BATON_ALLOWED_SOURCES", func(t *testing.T, m tree) {
			at(t, pr(t, m, "SplitterFunction"), "Environment", "Variables")["BATON_ALLOWED_SOURCES"] = tree{"Ref": "PayloadBucket"}
		}},
		{"allow-list wildcard", "allowlist", "BATON_ALLOWED_SOURCES", func(t *testing.T, m tree) {
			at(t, pr(t, m, "SplitterFunction"), "Environment", "Variables")["BATON_ALLOWED_SOURCES"] = tree{"Fn::Sub": "${InputBucket}/*"}
		}},
		{"allow-list adds a bucket", "allowlist", "BATON_ALLOWED_SOURCES", func(t *testing.T, m tree) {
			at(t, pr(t, m, "SplitterFunction"), "Environment", "Variables")["BATON_ALLOWED_SOURCES"] = tree{"Fn::Sub": "${InputBucket},${PayloadBucket}"}
		}},
		{"allow-list empty", "allowlist", "BATON_ALLOWED_SOURCES", func(t *testing.T, m tree) {
			at(t, pr(t, m, "SplitterFunction"), "Environment", "Variables")["BATON_ALLOWED_SOURCES"] = ""
		}},
		{"splitter also gets JobSucceeded", "splitter-routes", "JobSucceeded", func(t *testing.T, m tree) {
			at(t, pr(t, m, "JobRequestedRule"), "EventPattern")["detail-type"] = []any{"JobRequested", "JobSucceeded"}
		}},
		{"splitter takes any source", "splitter-routes", "want only", func(t *testing.T, m tree) {
			at(t, pr(t, m, "JobRequestedRule"), "EventPattern")["source"] = []any{"baton", "custom.app"}
		}},
		{"splitter gets deletions", "splitter-routes", "Object Deleted", func(t *testing.T, m tree) {
			at(t, pr(t, m, "ObjectCreatedRule"), "EventPattern")["detail-type"] = []any{"Object Created", "Object Deleted"}
		}},
		{"uploads of any bucket to the splitter", "splitter-routes", "want only", func(t *testing.T, m tree) {
			delete(at(t, pr(t, m, "ObjectCreatedRule"), "EventPattern"), "detail")
		}},
		{"bus open to everyone", "bus-policy", `"*"`, func(t *testing.T, m tree) {
			at(t, m, "Resources")["OpenBus"] = tree{"Type": "AWS::Events::EventBusPolicy", "Properties": tree{
				"EventBusName": tree{"Ref": "EventBus"}, "StatementId": "open",
				"Statement": tree{"Effect": "Allow", "Principal": "*", "Action": "events:PutEvents", "Resource": getAtt("EventBus", "Arn")}}}
		}},
		{"bus open to another account", "bus-policy", "111122223333", func(t *testing.T, m tree) {
			at(t, m, "Resources")["OtherAccount"] = tree{"Type": "AWS::Events::EventBusPolicy", "Properties": tree{
				"EventBusName": tree{"Ref": "EventBus"}, "StatementId": "other", "Action": "events:PutEvents", "Principal": "111122223333"}}
		}},
		{"bus policy property for another account", "bus-policy", "arn:aws:iam::111122223333:root", func(t *testing.T, m tree) {
			pr(t, m, "EventBus")["Policy"] = tree{"Version": "2012-10-17", "Statement": []any{tree{"Effect": "Allow",
				"Principal": tree{"AWS": "arn:aws:iam::111122223333:root"}, "Action": "events:PutEvents", "Resource": getAtt("EventBus", "Arn")}}}
		}},
		{"unbounded async retries", "retry-bound", "MaximumRetryAttempts is 185", func(t *testing.T, m tree) {
			at(t, pr(t, m, "WorkerFunction"), "EventInvokeConfig")["MaximumRetryAttempts"] = "185"
		}},
		{"sweeper without retry bound", "retry-bound", "SweeperFunction", func(t *testing.T, m tree) {
			delete(at(t, pr(t, m, "SweeperFunction"), "EventInvokeConfig"), "MaximumRetryAttempts")
		}},
		{"worker may delete ledger items", "least-privilege", "dynamodb:DeleteItem", func(t *testing.T, m tree) {
			s := statement(t, m, "WorkerRole", "Ledger")
			s["Action"] = append(list(s["Action"]), "dynamodb:DeleteItem")
		}},
		{"sweeper may write the ledger", "least-privilege", "dynamodb:PutItem", func(t *testing.T, m tree) {
			s := statement(t, m, "SweeperRole", "Ledger")
			s["Action"] = append(list(s["Action"]), "dynamodb:PutItem")
		}},
		{"sweeper cannot list jobs", "least-privilege", "missing dynamodb:Scan", func(t *testing.T, m tree) {
			statement(t, m, "SweeperRole", "Ledger")["Action"] = []any{"dynamodb:GetItem", "dynamodb:Query"}
		}},
		{"sweeper reads the input", "least-privilege", "s3:GetObject on InputBucket", func(t *testing.T, m tree) {
			statement(t, m, "SweeperRole", "ClaimChecks")["Resource"] = []any{tree{"Fn::Sub": "${PayloadBucket.Arn}/*"}, tree{"Fn::Sub": "${InputBucket.Arn}/*"}}
		}},
		{"aggregator reads the input", "least-privilege", "aggregator does not need", func(t *testing.T, m tree) {
			statement(t, m, "AggregatorRole", "ClaimChecks")["Resource"] = tree{"Fn::Sub": "${InputBucket.Arn}/*"}
		}},
		{"sweeper cannot publish", "least-privilege", "missing events:PutEvents", func(t *testing.T, m tree) {
			statement(t, m, "SweeperRole", "Publish")["Resource"] = getAtt("SweeperDLQ", "Arn")
		}},
		{"no sweeper", "functions", "sweeper is built by 0", func(t *testing.T, m tree) { delete(at(t, m, "Resources"), "SweeperFunction") }},
		{"sweeper without tracing", "functions", "Tracing", func(t *testing.T, m tree) { delete(pr(t, m, "SweeperFunction"), "Tracing") }},
		{"sweeper without variable", "env", "BATON_STALLED_AFTER_SECONDS", func(t *testing.T, m tree) {
			delete(at(t, pr(t, m, "SweeperFunction"), "Environment", "Variables"), "BATON_STALLED_AFTER_SECONDS")
		}},
		{"worker memory parameter too small", "memory", "MinValue is 128", func(t *testing.T, m tree) {
			at(t, m, "Parameters", "WorkerMemory")["MinValue"] = "128"
		}},
		{"worker memory default too small", "memory", "Default is 256", func(t *testing.T, m tree) {
			at(t, m, "Parameters", "WorkerMemory")["Default"] = "256"
		}},
		{"worker memory literal too small", "memory", "MemorySize is 256", func(t *testing.T, m tree) {
			pr(t, m, "WorkerFunction")["MemorySize"] = "256"
		}},
	}
	pristine := mustLoad(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := deepCopy(pristine).(tree)
			c.break_(t, m)
			got := runCheck(t, c.check, m)
			if !strings.Contains(got, c.want) {
				t.Errorf("check %s did not report %q; it reported:\n%s", c.check, c.want, got)
			}
		})
	}
}

// runCheck runs the named check and joins what it reports.
func runCheck(t *testing.T, name string, m tree) string {
	t.Helper()
	for _, c := range allChecks() {
		if c.name == name {
			var b strings.Builder
			for _, err := range c.run(m) {
				fmt.Fprintln(&b, err)
			}
			return b.String()
		}
	}
	t.Fatalf("no check named %s", name)
	return ""
}
