package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// A job that skips bad records says so, with the first offset and reason,
// without the value unless asked; over the limit it fails naming it.
func TestRunReportsBadRecords(t *testing.T) {
	dir := t.TempDir()
	csv := "a,b\n1,2\n3,SECRET42\n5,6\n7\n"
	path := filepath.Join(dir, "in.csv")
	if err := os.WriteFile(path, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	q := []string{"--query", "SELECT count(*), sum(b) FROM s3object", "--output", "csv", "--quiet"}
	r := baton(t, dir, append([]string{"run", path, "--max-bad-records", "5"}, q...)...)
	secondRow := int64(strings.Index(csv, "3,SECRET42"))
	if r.code != 0 || !strings.Contains(r.stdout, "2,8") {
		t.Fatalf("exit %d, stdout %q, stderr %q; want the two good rows counted", r.code, r.stdout, r.stderr)
	}
	if want := "2 bad records skipped; first at byte " + strconv.FormatInt(secondRow, 10); !strings.Contains(r.stderr, want) || strings.Contains(r.stderr, "SECRET42") {
		t.Errorf("stderr %q, want %q and no value", r.stderr, want)
	}
	r = baton(t, dir, append([]string{"run", path, "--max-bad-records", "5", "--show-bad-values"}, q...)...)
	if !strings.Contains(r.stderr, "SECRET42") {
		t.Errorf("--show-bad-values: stderr %q lacks the value", r.stderr)
	}
	r = baton(t, dir, append([]string{"run", path, "--max-bad-records", "1"}, q...)...)
	if r.code == 0 || !strings.Contains(r.stderr, "bad_record") && !strings.Contains(r.stderr, "bad record") || strings.Contains(r.stderr, "SECRET42") {
		t.Errorf("over the limit: exit %d, stderr %q", r.code, r.stderr)
	}
}
