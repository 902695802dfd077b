package deploy

import (
	"fmt"
	"path"
	"reflect"
	"slices"
	"strings"
)

// Function names (functions/<name>, bin/lambda/<name>.zip).
const (
	splitter   = "splitter"
	worker     = "worker"
	aggregator = "aggregator"
	sweeper    = "sweeper"
)

func functionNames() []string { return []string{splitter, worker, aggregator, sweeper} }

// ofType lists the logical IDs of the resources of type typ, sorted.
func ofType(t tree, typ string) []string {
	var ids []string
	res, _ := t["Resources"].(tree)
	for id, r := range res {
		if str(r, "Type") == typ {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// typeOf is the type of resource id, or "" if there is none.
func typeOf(t tree, id string) string { return str(t, "Resources", id, "Type") }

// props is resource id's Properties.
func props(t tree, id string) any { return get(t, "Resources", id, "Properties") }

// fnProp is a function's property, falling back to Globals.Function.
func fnProp(t tree, id, key string) any {
	if v := get(props(t, id), key); v != nil {
		return v
	}
	return get(t, "Globals", "Function", key)
}

// fnEnv is a function's environment, Globals first, then its own.
func fnEnv(t tree, id string) tree {
	env := tree{}
	for _, src := range []any{get(t, "Globals", "Function"), props(t, id)} {
		if vars, ok := get(src, "Environment", "Variables").(tree); ok {
			for k, v := range vars {
				env[k] = v
			}
		}
	}
	return env
}

// codeName is the function name a CodeUri of the form
// ../bin/lambda/<name>.zip (what scripts/package writes) names.
func codeName(codeURI any) (string, error) {
	s, _ := codeURI.(string)
	dir, file := path.Split(s)
	name := strings.TrimSuffix(file, ".zip")
	if dir != "../bin/lambda/" || name == file || !slices.Contains(functionNames(), name) {
		return "", fmt.Errorf("CodeUri %v is not ../bin/lambda/<%s>.zip, what scripts/package writes",
			codeURI, strings.Join(functionNames(), "|"))
	}
	return name, nil
}

// functionsByID maps each function's logical ID to its name (from CodeUri;
// IDs with a bad CodeUri are left out, checkFunctions reports them).
func functionsByID(t tree) map[string]string {
	out := map[string]string{}
	for _, id := range ofType(t, "AWS::Serverless::Function") {
		if name, err := codeName(fnProp(t, id, "CodeUri")); err == nil {
			out[id] = name
		}
	}
	return out
}

// statements lists the statements of a policy document.
func statements(doc any) []tree {
	var out []tree
	for _, s := range list(get(doc, "Statement")) {
		if m, ok := s.(tree); ok {
			out = append(out, m)
		}
	}
	return out
}

// allows reports whether statement s allows action on resource.
func allows(s tree, action string, resource any) bool {
	if str(s, "Effect") != "Allow" || !slices.Contains(list(s["Action"]), any(action)) {
		return false
	}
	return slices.ContainsFunc(list(s["Resource"]), func(r any) bool { return reflect.DeepEqual(r, resource) })
}

// roleAllows reports whether the inline policies of role roleID allow
// action on resource.
func roleAllows(t tree, roleID, action string, resource any) bool {
	for _, p := range list(get(props(t, roleID), "Policies")) {
		for _, s := range statements(get(p, "PolicyDocument")) {
			if allows(s, action, resource) {
				return true
			}
		}
	}
	return false
}

// strings of a list of scalars; ok is false if any element is not text.
func texts(v any) (out []string, ok bool) {
	for _, e := range list(v) {
		s, isText := e.(string)
		if !isText {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}
