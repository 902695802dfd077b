package main

import (
	"strings"
	"testing"

	"github.com/batonrun/baton/internal/local"
)

func TestTraceMissingSpanFileNamesPathAndVersion(t *testing.T) {
	dir := t.TempDir()
	r := baton(t, dir, "trace", "nosuchjob")
	path := local.TracePath(dir, "nosuchjob")
	if r.code == 0 || !strings.Contains(r.stderr, path) || !strings.Contains(r.stderr, "recorded by `baton run` from this version on") {
		t.Errorf("exit %d, stderr %q: want an error naming %s and when spans are recorded", r.code, r.stderr, path)
	}
}
