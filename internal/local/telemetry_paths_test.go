package local

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestTracePathNames(t *testing.T) {
	plain := "abc123-job_1.x"
	if got, want := TracePath("/s", plain), filepath.Join("/s", "traces", plain+".jsonl"); got != want {
		t.Errorf("TracePath = %s, want %s", got, want)
	}
	if got, want := LogPath("/s", plain), filepath.Join("/s", "logs", plain+".jsonl"); got != want {
		t.Errorf("LogPath = %s, want %s", got, want)
	}
	seen := map[string]string{}
	for _, id := range []string{"a/b", "a%2Fb", "..", ".hidden", "ü", strings.Repeat("x", 512), strings.Repeat("x", 511) + "y", "a b"} {
		name := fileName(id)
		if strings.ContainsAny(name, "/\\ %") || strings.HasPrefix(name, ".") || len(name) > maxNameBytes || name == "" {
			t.Errorf("job id %q: unsafe file name %q", id, name)
		}
		if other, dup := seen[name]; dup {
			t.Errorf("job ids %q and %q share the file name %q", other, id, name)
		}
		seen[name] = id
	}
}
