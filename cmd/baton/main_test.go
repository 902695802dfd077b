package main

import (
	"bytes"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/batonrun/baton/internal/awstest"
)

// TestMain lets the test binary act as the baton command in a child
// process, so tests see real exit codes and separate processes.
func TestMain(m *testing.M) {
	if os.Getenv("BATON_TEST_AS_CLI") == "1" {
		main()
		os.Exit(0)
	}
	awstest.Main(m)
}

type result struct {
	stdout, stderr string
	code           int
}

// baton runs the CLI in a new process with its own state dir.
func baton(t *testing.T, stateDir string, args ...string) result {
	t.Helper()
	return batonEnv(t, stateDir, nil, args...)
}

// batonEnv is baton with extra environment variables ("NAME=value").
func batonEnv(t *testing.T, stateDir string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"--state-dir", stateDir}, args...)...)
	cmd.Env = append(append(os.Environ(), "BATON_TEST_AS_CLI=1"), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{out.String(), errb.String(), code}
}

const sample = "../../testdata/flights-sample.csv"
const groupBy = "SELECT origin, count(*), avg(delay) FROM s3object GROUP BY origin ORDER BY 2 DESC LIMIT 10"

var jobRE = regexp.MustCompile(`job (\w+): ([\d,]+) records, .* (\d+) ranges, (\d+) invocations, (\d+) hops`)

func TestRunThenInspectFromAnotherProcess(t *testing.T) {
	dir := t.TempDir()
	r := baton(t, dir, "run", sample, "--query", groupBy, "--output", "csv")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if lines[0] != "origin,count(*),avg(delay)" || len(lines) != 11 {
		t.Fatalf("csv output:\n%s", r.stdout)
	}
	m := jobRE.FindStringSubmatch(r.stderr)
	if m == nil || m[2] != "100,000" {
		t.Fatalf("summary: %s", r.stderr)
	}
	st := baton(t, dir, "status", m[1])
	if st.code != 0 || !strings.Contains(st.stdout, "succeeded") || !strings.Contains(st.stdout, "1/1 done") || !strings.Contains(st.stdout, lines[1][:3]) {
		t.Fatalf("status (exit %d):\n%s%s", st.code, st.stdout, st.stderr)
	}
	ev := baton(t, dir, "events", m[1])
	for _, want := range []string{"JobStarted", "RangePlanned", "CheckpointCommitted", "RangeCompleted", "JobSucceeded"} {
		if !strings.Contains(ev.stdout, want) {
			t.Fatalf("events lack %s:\n%s", want, ev.stdout)
		}
	}
	if js := baton(t, dir, "jobs"); !strings.Contains(js.stdout, m[1]) {
		t.Fatalf("jobs:\n%s", js.stdout)
	}
	if bogus := baton(t, dir, "status", "nope"); bogus.code == 0 || !strings.Contains(bogus.stderr, `no job "nope"`) {
		t.Fatalf("bogus job: exit %d %s", bogus.code, bogus.stderr)
	}
}

// A small timeout makes the range hop; the answer does not change.
func TestTinyTimeoutHopsWithSameAnswer(t *testing.T) {
	dir := t.TempDir()
	plain := baton(t, dir, "run", sample, "--query", groupBy)
	hopped := baton(t, dir, "run", sample, "--query", groupBy, "--range-size", "128MiB", "--batch-size", "16KiB", "--timeout", "15ms")
	if plain.code != 0 || hopped.code != 0 {
		t.Fatalf("exit %d/%d: %s %s", plain.code, hopped.code, plain.stderr, hopped.stderr)
	}
	if plain.stdout != hopped.stdout {
		t.Fatalf("answers differ:\n%s\n%s", plain.stdout, hopped.stdout)
	}
	m := jobRE.FindStringSubmatch(hopped.stderr)
	if m == nil {
		t.Fatalf("summary: %s", hopped.stderr)
	}
	if hops, _ := strconv.Atoi(m[5]); m[3] != "1" || hops == 0 {
		t.Fatalf("want one range with hops > 0: %s", hopped.stderr)
	}
}

func TestErrorsExitNonZeroAndSayWhere(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run", sample, "--query", "SELEC origin FROM s3object"}, "line 1 column"},
		{[]string{"run", sample, "--query", "SELECT nope FROM s3object"}, `column "nope" does not exist; columns are: date, delay, distance, origin, destination`},
		{[]string{"run", sample, "--query", "SELECT count(*) FROM s3object", "--range-size", "lots"}, "--range-size"},
		{[]string{"run", sample, "--query", "SELECT count(*) FROM s3object", "--range-size", "100"}, "below the minimum of 1 KiB"},
		{[]string{"run", sample, "--query", "SELECT count(*) FROM s3object", "--output", "xml"}, "--output"},
		{[]string{"run", "missing.csv", "--query", "SELECT count(*) FROM s3object"}, "missing.csv"},
		{[]string{"run", sample, "--query", "SELECT count(*) FROM s3object", "--max-record-size", "10"}, "byte offset"},
	} {
		r := baton(t, dir, tc.args...)
		if r.code == 0 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want it to contain %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
}

func TestSizeFlagsTakeUnits(t *testing.T) {
	dir := t.TempDir()
	for _, size := range []string{"65536", "64KiB", "1MiB"} {
		r := baton(t, dir, "run", sample, "--query", "SELECT count(*) FROM s3object", "--range-size", size, "-o", "json")
		if r.code != 0 || !strings.Contains(r.stdout, `"count(*)": 100000`) {
			t.Fatalf("--range-size %s: exit %d %s %s", size, r.code, r.stdout, r.stderr)
		}
	}
}
