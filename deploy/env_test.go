package deploy

import (
	"slices"
	"strings"

	"github.com/batonrun/baton/internal/wiring"
)

// envVars is what each function reads from its environment, from the
// wiring that reads it.
func envVars(function string) (required, optional []string) { return wiring.EnvVars(function) }

// emulatorOnly are variables a function reads that the stack must not set:
// they are for tests against local emulators.
func emulatorOnly() []string { return []string{"BATON_S3_PATH_STYLE", "BATON_TRACE_DIR"} }

// envRefs says which resource type each resource-naming variable must Ref.
func envRefs() map[string]string {
	return map[string]string{
		"BATON_TABLE":          "AWS::DynamoDB::Table",
		"BATON_EVENT_BUS":      "AWS::Events::EventBus",
		"BATON_PAYLOAD_BUCKET": "AWS::S3::Bucket",
	}
}

// checkEnv: every variable a function reads (but the emulator-only ones)
// is set, no BATON_ variable it does not read is set, BATON_BACKEND is
// "aws", and resource variables name this stack's resources (the payload
// bucket is not the input bucket, whose uploads start jobs).
func checkEnv(t tree) []error {
	var p problems
	for id, name := range functionsByID(t) {
		env := fnEnv(t, id)
		req, opt := envVars(name)
		reads := append(req, opt...)
		for _, v := range reads {
			if _, set := env[v]; !set && !slices.Contains(emulatorOnly(), v) {
				p.add(id, "%s reads %s but it is not set", name, v)
			}
		}
		for v := range env {
			if strings.HasPrefix(v, "BATON_") && (!slices.Contains(reads, v) || slices.Contains(emulatorOnly(), v)) {
				p.add(id, "sets %s, which %s does not read on AWS", v, name)
			}
		}
		if b := str(env, "BATON_BACKEND"); b != "aws" {
			p.add(id, "BATON_BACKEND is %q, want aws", b)
		}
		for v, typ := range envRefs() {
			if ref := refTo(env[v], ""); typeOf(t, ref) != typ || (v == "BATON_PAYLOAD_BUCKET" && eventBridgeEnabled(t, ref)) {
				p.add(id, "%s is %v, want !Ref to this stack's %s (for the payload bucket: not the input bucket)", v, env[v], typ)
			}
		}
	}
	return p
}

// checkAllowedSources: the splitter's allow-list is the input bucket (the
// bucket sending EventBridge notifications), whole or under a prefix:
// "!Ref Input" or "!Sub ${Input}/..." with nothing else before the
// bucket, so a job can never be pointed at the payload bucket or any other
// bucket the splitter's role can read.
func checkAllowedSources(t tree) []error {
	var p problems
	for id, name := range functionsByID(t) {
		if name != splitter {
			continue
		}
		v := fnEnv(t, id)["BATON_ALLOWED_SOURCES"]
		if b := refTo(v, ""); b != "" && eventBridgeEnabled(t, b) {
			continue
		}
		sub, _ := get(v, "Fn::Sub").(string)
		bucket, rest, _ := strings.Cut(strings.TrimPrefix(sub, "${"), "}")
		if !strings.HasPrefix(sub, "${") || !eventBridgeEnabled(t, bucket) || (rest != "" && !strings.HasPrefix(rest, "/")) || strings.ContainsAny(rest, ",*") {
			p.add(id, "BATON_ALLOWED_SOURCES is %v, want the input bucket: !Ref it or !Sub ${Input}/prefix (one entry, no wildcard)", v)
		}
	}
	return p
}
