package deploy

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// maxAsyncRetries bounds Lambda's retries of a failed asynchronous
// invocation: an event no retry can fix (a rejected one) reaches the
// failure queue after at most this many retries, never loops.
const maxAsyncRetries = 2

// checkRetryBound: every function's EventInvokeConfig.MaximumRetryAttempts
// is a literal number from 0 to maxAsyncRetries.
func checkRetryBound(t tree) []error {
	var p problems
	for _, id := range ofType(t, "AWS::Serverless::Function") {
		v := get(fnProp(t, id, "EventInvokeConfig"), "MaximumRetryAttempts")
		if n, err := strconv.Atoi(fmt.Sprint(v)); err != nil || n < 0 || n > maxAsyncRetries {
			p.add(id, "EventInvokeConfig.MaximumRetryAttempts is %v, want a number from 0 to %d", v, maxAsyncRetries)
		}
	}
	return p
}

// grant is an action on a resource written as "Logical.Arn",
// "Logical.Arn/*" or "*".
func grant(action, resource string) string { return action + " on " + resource }

// grants lists what role's inline policies allow, sorted.
func grants(t tree, role string) []string {
	var out []string
	for _, pol := range list(get(props(t, role), "Policies")) {
		for _, s := range statements(get(pol, "PolicyDocument")) {
			if str(s, "Effect") != "Allow" {
				continue
			}
			for _, a := range list(s["Action"]) {
				for _, r := range list(s["Resource"]) {
					out = append(out, grant(fmt.Sprint(a), resourceName(r)))
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// resourceName writes !GetAtt X.Arn as "X.Arn", !Sub ${X.Arn}/* as
// "X.Arn/*" and other values as they print.
func resourceName(r any) string {
	if id := refTo(r, "Arn"); id != "" {
		return id + ".Arn"
	}
	if s, ok := get(r, "Fn::Sub").(string); ok {
		return strings.NewReplacer("${", "", "}", "").Replace(s)
	}
	return fmt.Sprint(r)
}

// neededGrants is exactly what each function's code calls: its logs, X-Ray,
// its failure queue, the claim-check bucket, and per function the input,
// the ledger and the bus (DESIGN.md's ports; dynamo and s3store name the
// operations they call).
func neededGrants(t tree, id, name string) []string {
	env := fnEnv(t, id)
	table, bus, payload := refTo(env["BATON_TABLE"], ""), refTo(env["BATON_EVENT_BUS"], ""), refTo(env["BATON_PAYLOAD_BUCKET"], "")
	dlq := refTo(get(fnProp(t, id, "EventInvokeConfig"), "DestinationConfig", "OnFailure", "Destination"), "Arn")
	logs := str(t, "Resources", id, "DependsOn")
	g := []string{
		grant("logs:CreateLogStream", logs+".Arn"), grant("logs:PutLogEvents", logs+".Arn"),
		grant("xray:PutTraceSegments", "*"), grant("xray:PutTelemetryRecords", "*"),
		grant("sqs:SendMessage", dlq+".Arn"),
		grant("s3:GetObject", payload+".Arn/*"), grant("s3:PutObject", payload+".Arn/*"),
		grant("events:PutEvents", bus+".Arn"),
	}
	ledgerWrite := []string{"GetItem", "PutItem", "UpdateItem", "Query", "ConditionCheckItem"}
	switch name {
	case splitter, worker:
		for _, in := range ofType(t, "AWS::S3::Bucket") {
			if eventBridgeEnabled(t, in) {
				g = append(g, grant("s3:GetObject", in+".Arn/*"), grant("s3:GetObjectVersion", in+".Arn/*"), grant("s3:ListBucket", in+".Arn"))
			}
		}
		fallthrough
	case aggregator:
		for _, a := range ledgerWrite {
			g = append(g, grant("dynamodb:"+a, table+".Arn"))
		}
	case sweeper:
		for _, a := range []string{"GetItem", "Query", "Scan"} {
			g = append(g, grant("dynamodb:"+a, table+".Arn"))
		}
	}
	slices.Sort(g)
	return g
}

// checkLeastPrivilege: each function's role allows exactly what its code
// needs: nothing missing, nothing more.
func checkLeastPrivilege(t tree) []error {
	var p problems
	for id, name := range functionsByID(t) {
		role := refTo(fnProp(t, id, "Role"), "Arn")
		have, want := grants(t, role), neededGrants(t, id, name)
		for _, g := range want {
			if !slices.Contains(have, g) {
				p.add(id, "role %s is missing %s", role, g)
			}
		}
		for _, g := range have {
			if !slices.Contains(want, g) {
				p.add(id, "role %s allows %s, which %s does not need", role, g, name)
			}
		}
	}
	return p
}
