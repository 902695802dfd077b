package record

import (
	"sort"

	"github.com/tidwall/gjson"
)

// SampleJSONPaths returns the dotted key paths (e.g. "a", "a.b") of the
// objects in recs, sorted and without duplicates, for validating column
// names. Invalid lines are ignored.
func SampleJSONPaths(recs [][]byte) []string {
	seen := map[string]bool{}
	for _, rec := range recs {
		if _, err := jsonTextError(rec, nil); err == nil {
			collectPaths(gjson.ParseBytes(rec), "", seen)
		}
	}
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func collectPaths(r gjson.Result, prefix string, seen map[string]bool) {
	if !r.IsObject() {
		return
	}
	r.ForEach(func(k, v gjson.Result) bool {
		p := k.Str
		if prefix != "" {
			p = prefix + "." + p
		}
		seen[p] = true
		collectPaths(v, p, seen)
		return true
	})
}
