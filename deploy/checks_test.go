package deploy

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// A check inspects a whole template and returns every problem it finds.
type check struct {
	name string
	run  func(tree) []error
}

func allChecks() []check {
	return []check{
		{"functions", checkFunctions},
		{"rules", checkRules},
		{"iam", checkIAM},
		{"routing", checkRouting},
		{"env", checkEnv},
		{"storage", checkStorage},
		{"input", checkInput},
		{"memory", checkMemory},
		{"allowlist", checkAllowedSources},
		{"splitter-routes", checkSplitterRoutes},
		{"bus-policy", checkBusPolicy},
		{"retry-bound", checkRetryBound},
		{"least-privilege", checkLeastPrivilege},
	}
}

// problems collects errors prefixed with where they were found.
type problems []error

func (p *problems) add(where, format string, a ...any) {
	*p = append(*p, fmt.Errorf("%s: %s", where, fmt.Sprintf(format, a...)))
}

// checkFunctions: each of the three functions exactly once, from the zip
// scripts/package makes, on provided.al2023 arm64 with active tracing,
// explicit async retry limits and an on-failure destination (or DLQ) that
// is an SQS queue its role may send to.
func checkFunctions(t tree) []error {
	var p problems
	seen := map[string][]string{}
	for _, id := range ofType(t, "AWS::Serverless::Function") {
		for k, want := range map[string]string{"Runtime": "provided.al2023", "Handler": "bootstrap", "Tracing": "Active"} {
			if got := str(fnProp(t, id, k)); got != want {
				p.add(id, "%s is %q, want %q", k, got, want)
			}
		}
		if a := list(fnProp(t, id, "Architectures")); !reflect.DeepEqual(a, []any{"arm64"}) {
			p.add(id, "Architectures is %v, want [arm64]", a)
		}
		name, err := codeName(fnProp(t, id, "CodeUri"))
		if err != nil {
			p.add(id, "%v", err)
		} else {
			seen[name] = append(seen[name], id)
		}
		checkAsync(t, id, &p)
	}
	for _, name := range functionNames() {
		if ids := seen[name]; len(ids) != 1 {
			p.add("functions", "%s is built by %d functions %v, want exactly 1", name, len(ids), ids)
		}
	}
	return p
}

// checkAsync checks a function's asynchronous-invocation settings.
func checkAsync(t tree, id string, p *problems) {
	eic := fnProp(t, id, "EventInvokeConfig")
	for _, k := range []string{"MaximumRetryAttempts", "MaximumEventAgeInSeconds"} {
		if get(eic, k) == nil {
			p.add(id, "EventInvokeConfig.%s is not set; retries must be explicit", k)
		}
	}
	var dests []any
	if d := get(eic, "DestinationConfig", "OnFailure"); d != nil {
		if str(d, "Type") != "SQS" {
			p.add(id, "OnFailure destination type is %q, want SQS", str(d, "Type"))
		}
		dests = append(dests, get(d, "Destination"))
	}
	if d := get(fnProp(t, id, "DeadLetterQueue"), "TargetArn"); d != nil {
		dests = append(dests, d)
	}
	if len(dests) == 0 {
		p.add(id, "no OnFailure destination and no DeadLetterQueue: failed events would be lost")
	}
	role := refTo(fnProp(t, id, "Role"), "Arn")
	for _, d := range dests {
		if q := refTo(d, "Arn"); typeOf(t, q) != "AWS::SQS::Queue" {
			p.add(id, "failure destination %v is not an SQS queue of this stack", d)
		} else if role != "" && !roleAllows(t, role, "sqs:SendMessage", d) {
			p.add(id, "role %s may not sqs:SendMessage to its failure queue %s", role, q)
		}
	}
}

// checkRules: every rule target has an explicit RetryPolicy and a
// DeadLetterConfig queue whose policy lets this rule send to it, and every
// Lambda target has a permission for this rule.
func checkRules(t tree) []error {
	var p problems
	for _, id := range ofType(t, "AWS::Events::Rule") {
		targets := list(get(props(t, id), "Targets"))
		if len(targets) == 0 {
			p.add(id, "no Targets")
		}
		for i, tg := range targets {
			where := fmt.Sprintf("%s target %d", id, i)
			for _, k := range []string{"MaximumRetryAttempts", "MaximumEventAgeInSeconds"} {
				if get(tg, "RetryPolicy", k) == nil {
					p.add(where, "RetryPolicy.%s is not set", k)
				}
			}
			if q := refTo(get(tg, "DeadLetterConfig", "Arn"), "Arn"); typeOf(t, q) != "AWS::SQS::Queue" {
				p.add(where, "DeadLetterConfig.Arn is not an SQS queue of this stack")
			} else if !queueAllowsRule(t, q, id) {
				p.add(where, "queue %s has no policy letting events.amazonaws.com send from this rule (aws:SourceArn)", q)
			}
			if fn := refTo(get(tg, "Arn"), "Arn"); typeOf(t, fn) == "AWS::Serverless::Function" && !permits(t, fn, id) {
				p.add(where, "no AWS::Lambda::Permission lets this rule invoke %s", fn)
			}
		}
	}
	return p
}

// queueAllowsRule reports whether a queue policy of queue lets EventBridge
// send to it on behalf of rule, scoped by aws:SourceArn.
func queueAllowsRule(t tree, queue, rule string) bool {
	ruleArn := any(tree{"Fn::GetAtt": []any{rule, "Arn"}})
	for _, qp := range ofType(t, "AWS::SQS::QueuePolicy") {
		if !slices.ContainsFunc(list(get(props(t, qp), "Queues")), func(q any) bool { return refTo(q, "") == queue }) {
			continue
		}
		for _, s := range statements(get(props(t, qp), "PolicyDocument")) {
			arns := list(get(s, "Condition", "ArnEquals", "aws:SourceArn"))
			if slices.Contains(list(get(s, "Principal", "Service")), any("events.amazonaws.com")) &&
				allows(s, "sqs:SendMessage", tree{"Fn::GetAtt": []any{queue, "Arn"}}) &&
				slices.ContainsFunc(arns, func(a any) bool { return reflect.DeepEqual(a, ruleArn) }) {
				return true
			}
		}
	}
	return false
}

// permits reports whether a Lambda permission lets rule invoke fn.
func permits(t tree, fn, rule string) bool {
	for _, id := range ofType(t, "AWS::Lambda::Permission") {
		pr := props(t, id)
		if str(pr, "Action") == "lambda:InvokeFunction" && str(pr, "Principal") == "events.amazonaws.com" &&
			refTo(get(pr, "FunctionName"), "") == fn && refTo(get(pr, "SourceArn"), "Arn") == rule {
			return true
		}
	}
	return false
}

// xrayWrite are the only actions that may use Resource "*": they take no
// resource (Service Authorization Reference, AWS X-Ray).
func xrayWrite() []string { return []string{"xray:PutTraceSegments", "xray:PutTelemetryRecords"} }

// checkIAM: no statement anywhere (roles, queue policies) uses a wildcard
// or NotAction, and only X-Ray writes use Resource "*".
func checkIAM(t tree) []error {
	var p problems
	walk(t, "", func(where string, m tree) {
		for i, s := range statements(m) {
			checkStatement(fmt.Sprintf("%sStatement[%d]", where, i), s, &p)
		}
	})
	return p
}

func checkStatement(where string, s tree, p *problems) {
	if s["NotAction"] != nil || s["NotResource"] != nil {
		p.add(where, "uses NotAction or NotResource")
	}
	actions, ok := texts(s["Action"])
	if !ok || len(actions) == 0 {
		p.add(where, "Action must be a literal action name or a list of them")
	}
	for _, a := range actions {
		if strings.Contains(a, "*") || !strings.Contains(a, ":") {
			p.add(where, "action %q is a wildcard or not service:Action", a)
		}
	}
	if slices.Contains(list(s["Resource"]), any("*")) {
		for _, a := range actions {
			if !slices.Contains(xrayWrite(), a) {
				p.add(where, "action %q on Resource \"*\"; scope it to this stack's resources", a)
			}
		}
	}
}

// walk calls f on every mapping in v with its path.
func walk(v any, where string, f func(string, tree)) {
	switch x := v.(type) {
	case tree:
		f(where, x)
		for k, e := range x {
			walk(e, where+k+".", f)
		}
	case []any:
		for i, e := range x {
			walk(e, fmt.Sprintf("%s%d.", where, i), f)
		}
	}
}
