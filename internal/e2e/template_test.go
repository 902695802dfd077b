package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// stack is the part of deploy/template.yaml the harness deploys onto the
// emulators: parameters, resources, and the routes its EventBridge rules
// define. Values are decoded as CloudFormation's JSON form: a short tag
// such as !Ref X or !GetAtt A.B becomes {"Ref": "X"} or
// {"Fn::GetAtt": ["A", "B"]}.
type stack struct {
	Parameters map[string]struct {
		Type    string `json:"Type"`
		Default any    `json:"Default"`
	} `json:"Parameters"`
	Resources map[string]struct {
		Type       string         `json:"Type"`
		Properties map[string]any `json:"Properties"`
	} `json:"Resources"`
}

// route is one EventBridge rule of the template with its Lambda target.
type route struct {
	Rule     string         // the rule's logical id
	Bus      string         // "" for the account's default bus, else the logical id of an AWS::Events::EventBus
	Pattern  map[string]any // EventPattern, still holding Refs
	Function string         // target function name: the CodeUri's base name ("worker")
}

// loadStack reads a SAM template.
func loadStack(file string) (*stack, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	v, err := cfnValue(&doc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	var s stack
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return &s, nil
}

// cfnValue converts a YAML node to JSON-shaped Go values, expanding
// CloudFormation's short-form tags to their long form.
func cfnValue(n *yaml.Node) (any, error) {
	var v any
	switch n.Kind {
	case yaml.DocumentNode:
		return cfnValue(n.Content[0])
	case yaml.AliasNode:
		return cfnValue(n.Alias)
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			val, err := cfnValue(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m[n.Content[i].Value] = val
		}
		v = m
	case yaml.SequenceNode:
		s := []any{}
		for _, c := range n.Content {
			val, err := cfnValue(c)
			if err != nil {
				return nil, err
			}
			s = append(s, val)
		}
		v = s
	case yaml.ScalarNode:
		if isShortTag(n.Tag) {
			v = n.Value
		} else if err := n.Decode(&v); err != nil {
			return nil, fmt.Errorf("line %d: %w", n.Line, err)
		}
	}
	switch tag := n.Tag; {
	case tag == "!Ref":
		return map[string]any{"Ref": v}, nil
	case tag == "!GetAtt":
		if s, ok := v.(string); ok {
			logical, attr, _ := strings.Cut(s, ".")
			v = []any{logical, attr}
		}
		return map[string]any{"Fn::GetAtt": v}, nil
	case isShortTag(tag):
		return map[string]any{"Fn::" + tag[1:]: v}, nil
	}
	return v, nil
}

// isShortTag reports a CloudFormation short tag (!Sub), not a YAML core
// tag (!!str).
func isShortTag(tag string) bool {
	return strings.HasPrefix(tag, "!") && !strings.HasPrefix(tag, "!!")
}

// routes lists the template's AWS::Events::Rule resources whose targets
// are functions of the template, sorted by rule. Errors: a rule on a bus
// that is neither the default nor a template bus, or a target that is not
// !GetAtt <Function>.Arn.
func (s *stack) routes() ([]route, error) {
	var out []route
	var errs []error
	for id, r := range s.Resources {
		if r.Type != "AWS::Events::Rule" {
			continue
		}
		bus, err := s.busOf(r.Properties["EventBusName"])
		if err != nil {
			errs = append(errs, fmt.Errorf("rule %s: %w", id, err))
		}
		pattern, _ := r.Properties["EventPattern"].(map[string]any)
		targets, _ := r.Properties["Targets"].([]any)
		if pattern == nil || len(targets) == 0 {
			errs = append(errs, fmt.Errorf("rule %s: no EventPattern or no Targets", id))
		}
		for _, t := range targets {
			arn, _ := t.(map[string]any)["Arn"]
			fn, err := s.functionOf(arn)
			if err != nil {
				errs = append(errs, fmt.Errorf("rule %s: %w", id, err))
				continue
			}
			out = append(out, route{Rule: id, Bus: bus, Pattern: pattern, Function: fn})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Rule < out[j].Rule })
	return out, errors.Join(errs...)
}

// busOf resolves a rule's EventBusName: absent or "default" is the default
// bus (""), !Ref/!GetAtt of an AWS::Events::EventBus its logical id.
func (s *stack) busOf(v any) (string, error) {
	switch b := v.(type) {
	case nil:
		return "", nil
	case string:
		if b == "default" {
			return "", nil
		}
	case map[string]any:
		id := refTarget(b)
		if s.Resources[id].Type == "AWS::Events::EventBus" {
			return id, nil
		}
	}
	return "", fmt.Errorf("EventBusName %v is neither the default bus nor a bus of the template", v)
}

// functionOf resolves a target Arn !GetAtt F.Arn to F's function name.
func (s *stack) functionOf(arn any) (string, error) {
	m, _ := arn.(map[string]any)
	att, _ := m["Fn::GetAtt"].([]any)
	if len(att) != 2 || att[1] != "Arn" {
		return "", fmt.Errorf("target Arn %v is not !GetAtt <Function>.Arn", arn)
	}
	id, _ := att[0].(string)
	return s.functionName(id)
}

// functionName is an AWS::Serverless::Function's name: its CodeUri's base
// name without extension (../bin/lambda/worker.zip is "worker").
func (s *stack) functionName(id string) (string, error) {
	r, ok := s.Resources[id]
	if !ok || r.Type != "AWS::Serverless::Function" {
		return "", fmt.Errorf("%s is not an AWS::Serverless::Function", id)
	}
	uri, _ := r.Properties["CodeUri"].(string)
	name := strings.TrimSuffix(path.Base(uri), path.Ext(uri))
	if uri == "" || name == "" {
		return "", fmt.Errorf("function %s has no CodeUri naming it", id)
	}
	return name, nil
}

// functionID returns the logical id of the function named name.
func (s *stack) functionID(name string) (string, error) {
	for id, r := range s.Resources {
		if r.Type != "AWS::Serverless::Function" {
			continue
		}
		if n, err := s.functionName(id); err == nil && n == name {
			return id, nil
		}
	}
	return "", fmt.Errorf("no function %q in the template", name)
}

// environment returns function name's Environment.Variables, each !Ref
// replaced by refs[logical id] or, for a parameter missing from refs, its
// Default. Errors name each variable whose value cannot be resolved.
func (s *stack) environment(name string, refs map[string]string) ([]string, error) {
	id, err := s.functionID(name)
	if err != nil {
		return nil, err
	}
	env, _ := s.Resources[id].Properties["Environment"].(map[string]any)
	vars, _ := env["Variables"].(map[string]any)
	var out []string
	var errs []error
	for k, v := range vars {
		val, err := s.resolve(v, refs)
		if err != nil {
			errs = append(errs, fmt.Errorf("function %s: %s: %w", name, k, err))
			continue
		}
		s, ok := val.(string)
		if !ok {
			s = fmt.Sprint(val)
		}
		out = append(out, k+"="+s)
	}
	slices.Sort(out)
	return out, errors.Join(errs...)
}

// maxRetries is the function's EventInvokeConfig.MaximumRetryAttempts:
// how often Lambda retries a failed asynchronous invocation (2 when unset,
// Lambda's default).
func (s *stack) maxRetries(name string) (int, error) {
	id, err := s.functionID(name)
	if err != nil {
		return 0, err
	}
	cfg, _ := s.Resources[id].Properties["EventInvokeConfig"].(map[string]any)
	switch n := cfg["MaximumRetryAttempts"].(type) {
	case nil:
		return 2, nil
	case int:
		return n, nil
	case float64:
		return int(n), nil
	default:
		return 0, fmt.Errorf("function %s: MaximumRetryAttempts %v is not a number", name, n)
	}
}

// resolve replaces every {"Ref": X} in v by refs[X] (or parameter X's
// Default), and every {"Fn::If": [C, a, b]} by a or b as refs[C] is "true"
// or "false" (the test decides each condition). Other intrinsic functions
// are errors.
func (s *stack) resolve(v any, refs map[string]string) (any, error) {
	switch t := v.(type) {
	case map[string]any:
		if args, ok := t["Fn::If"].([]any); ok && len(t) == 1 && len(args) == 3 {
			cond, _ := args[0].(string)
			switch refs[cond] {
			case "true":
				return s.resolve(args[1], refs)
			case "false":
				return s.resolve(args[2], refs)
			}
			return nil, fmt.Errorf("condition %q: the test gives no value", cond)
		}
		if sub, ok := t["Fn::Sub"].(string); ok && len(t) == 1 {
			return s.sub(sub, refs)
		}
		if id := refTarget(t); id != "" && len(t) == 1 {
			if val, ok := refs[id]; ok {
				return val, nil
			}
			if p, ok := s.Parameters[id]; ok && p.Default != nil {
				return fmt.Sprint(p.Default), nil
			}
			return nil, fmt.Errorf("no value for !Ref %s", id)
		}
		out := map[string]any{}
		for k, e := range t {
			if strings.HasPrefix(k, "Fn::") {
				return nil, fmt.Errorf("intrinsic %s is not supported here", k)
			}
			r, err := s.resolve(e, refs)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			out[k] = r
		}
		return out, nil
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			r, err := s.resolve(e, refs)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			out[i] = r
		}
		return out, nil
	case int:
		return strconv.Itoa(t), nil
	}
	return v, nil
}

// sub evaluates the string form of Fn::Sub: each ${X} is resolved as
// !Ref X would be; ${X.Attr} and other forms are errors.
func (s *stack) sub(str string, refs map[string]string) (string, error) {
	var b strings.Builder
	for {
		before, rest, found := strings.Cut(str, "${")
		b.WriteString(before)
		if !found {
			return b.String(), nil
		}
		name, after, closed := strings.Cut(rest, "}")
		if !closed || strings.Contains(name, ".") {
			return "", fmt.Errorf("Fn::Sub %q: only ${Name} is supported here", str)
		}
		v, err := s.resolve(map[string]any{"Ref": name}, refs)
		if err != nil {
			return "", fmt.Errorf("Fn::Sub: %w", err)
		}
		fmt.Fprint(&b, v)
		str = after
	}
}

// refTarget returns X of {"Ref": X} or {"Fn::GetAtt": [X, _]}, else "".
func refTarget(m map[string]any) string {
	if id, ok := m["Ref"].(string); ok {
		return id
	}
	if att, ok := m["Fn::GetAtt"].([]any); ok && len(att) == 2 {
		id, _ := att[0].(string)
		return id
	}
	return ""
}
