package e2e

import (
	"path/filepath"
	"slices"
	"testing"
)

// The parser reads deploy/template.yaml into one route per rule target,
// with the buses, patterns and function names the template states.
func TestTemplateRoutes(t *testing.T) {
	s, err := loadStack(filepath.Join(moduleRoot(t), "deploy", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := s.routes()
	if err != nil {
		t.Fatal(err)
	}
	byFn := map[string][]route{}
	for _, r := range rs {
		byFn[r.Function] = append(byFn[r.Function], r)
	}
	for _, fn := range []string{"splitter", "worker", "aggregator"} {
		if len(byFn[fn]) == 0 {
			t.Errorf("no rule targets %s; routes %+v", fn, rs)
		}
	}
	var defaultBus int
	for _, r := range rs {
		if r.Bus == "" {
			defaultBus++
			p, err := s.resolve(r.Pattern, map[string]string{"InputBucket": "in-bucket"})
			if err != nil {
				t.Fatalf("rule %s: %v", r.Rule, err)
			}
			name := p.(map[string]any)["detail"].(map[string]any)["bucket"].(map[string]any)["name"]
			if !slices.Equal(name.([]any), []any{"in-bucket"}) {
				t.Errorf("rule %s: bucket pattern %v", r.Rule, name)
			}
		}
	}
	if defaultBus != 1 {
		t.Errorf("%d rules on the default bus, want 1 (S3 Object Created)", defaultBus)
	}
	for cond, exporter := range map[string]string{"true": "otlp", "false": "none"} {
		env, err := s.environment("worker", map[string]string{"LedgerTable": "tbl", "EventBus": "bus", "PayloadBucket": "pay", "HasOtelCollector": cond})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(env, "BATON_TABLE=tbl") || !slices.Contains(env, "BATON_EVENT_BUS=bus") || !slices.Contains(env, "BATON_TRACE_EXPORTER="+exporter) {
			t.Errorf("worker environment with HasOtelCollector=%s: %v", cond, env)
		}
	}
	if n, err := s.maxRetries("worker"); err != nil || n != 2 {
		t.Errorf("worker retries %d, %v", n, err)
	}
}

// Short tags expand to CloudFormation's long form.
func TestShortTags(t *testing.T) {
	s, err := loadStackFromString(t, `
Resources:
  R:
    Type: T
    Properties:
      A: !Ref X
      B: !GetAtt F.Arn
      C: !Sub "${X}-y"
      D: !Not [!Equals [!Ref P, ""]]
`)
	if err != nil {
		t.Fatal(err)
	}
	p := s.Resources["R"].Properties
	for k, want := range map[string]string{
		"A": `map[Ref:X]`, "B": `map[Fn::GetAtt:[F Arn]]`, "C": `map[Fn::Sub:${X}-y]`,
		"D": `map[Fn::Not:[map[Fn::Equals:[map[Ref:P] ]]]]`,
	} {
		if got := fmtValue(p[k]); got != want {
			t.Errorf("%s = %s, want %s", k, got, want)
		}
	}
}

// The splitter's allow-list resolves through Fn::Sub to the input bucket
// (the whole bucket with AllowedInputPrefix's empty default).
func TestSplitterEnvironmentAllowList(t *testing.T) {
	s, err := loadStack(filepath.Join(moduleRoot(t), "deploy", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	vars, err := s.environment("splitter", map[string]string{"LedgerTable": "t", "EventBus": "b", "PayloadBucket": "p",
		"InputBucket": "in-bucket", "HasOtelCollector": "false"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(vars, "BATON_ALLOWED_SOURCES=in-bucket/") {
		t.Fatalf("splitter environment %v has no BATON_ALLOWED_SOURCES=in-bucket/", vars)
	}
}
