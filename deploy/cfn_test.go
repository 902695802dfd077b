package deploy

import (
	"fmt"
	"os"
	"strings"

	"gopkg.in/yaml.v3"
)

// tree is a template as plain Go values: map[string]any, []any and string
// (every scalar stays text, as written). CloudFormation short-form tags
// become their long forms: !Ref X is {"Ref": X}, !GetAtt A.B is
// {"Fn::GetAtt": [A, B]}, !Condition X is {"Condition": X}, and any other
// !Name v is {"Fn::Name": v}.
type tree = map[string]any

// loadTemplate reads and converts the template at path.
func loadTemplate(path string) (tree, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", path, err)
	}
	v, err := fromNode(&doc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	t, ok := v.(tree)
	if !ok {
		return nil, fmt.Errorf("%s: top level is not a mapping", path)
	}
	return t, nil
}

// fromNode converts one YAML node, expanding short-form intrinsic tags.
func fromNode(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) != 1 {
			return nil, fmt.Errorf("line %d: want one document", n.Line)
		}
		return fromNode(n.Content[0])
	case yaml.AliasNode:
		return fromNode(n.Alias)
	}
	v, err := plain(n)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(n.Tag, "!") || strings.HasPrefix(n.Tag, "!!") {
		return v, nil
	}
	switch name := n.Tag[1:]; name {
	case "Ref", "Condition":
		return tree{name: v}, nil
	case "GetAtt":
		if s, ok := v.(string); ok {
			res, attr, found := strings.Cut(s, ".")
			if !found {
				return nil, fmt.Errorf("line %d: !GetAtt %q has no attribute", n.Line, s)
			}
			return tree{"Fn::GetAtt": []any{res, attr}}, nil
		}
		return tree{"Fn::GetAtt": v}, nil
	default:
		return tree{"Fn::" + name: v}, nil
	}
}

// plain converts a node's value without looking at its tag.
func plain(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.ScalarNode:
		return n.Value, nil
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := fromNode(c)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		out := make(tree, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if _, dup := out[k]; dup {
				return nil, fmt.Errorf("line %d: duplicate key %q", n.Content[i].Line, k)
			}
			v, err := fromNode(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			out[k] = v
		}
		return out, nil
	}
	return nil, fmt.Errorf("line %d: unexpected YAML node kind %d", n.Line, n.Kind)
}

// deepCopy copies a tree so a test can change it freely.
func deepCopy(v any) any {
	switch x := v.(type) {
	case tree:
		out := make(tree, len(x))
		for k, e := range x {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = deepCopy(e)
		}
		return out
	}
	return v
}

// get follows keys from v; it returns nil when any step is missing.
func get(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(tree)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// str is get as a string ("" when absent or not a string).
func str(v any, keys ...string) string {
	s, _ := get(v, keys...).(string)
	return s
}

// list is a value as a list: a list as is, a single value as one element,
// nil as empty (IAM's Action and Resource take either form).
func list(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	}
	return []any{v}
}

// refTo returns the logical ID v refers to through Ref or Fn::GetAtt
// (with attribute attr, or any attribute when attr is ""), or "".
func refTo(v any, attr string) string {
	m, ok := v.(tree)
	if !ok || len(m) != 1 {
		return ""
	}
	if r, ok := m["Ref"].(string); ok && attr == "" {
		return r
	}
	if ga, ok := m["Fn::GetAtt"].([]any); ok && len(ga) == 2 {
		if a, _ := ga[1].(string); attr == "" || a == attr {
			r, _ := ga[0].(string)
			return r
		}
	}
	return ""
}
