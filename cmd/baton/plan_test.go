package main

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/dustin/go-humanize"
)

// planLine returns the value printed after label in `baton plan` output.
func planLine(t *testing.T, out, label string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(label) + `\s{2,}(.+)$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no %q line in:\n%s", label, out)
	}
	return m[1]
}

// 1 TiB on the defaults: 32 MiB would give 32,768 ranges, so the size
// grows to fit 10,000; one invocation each (a 110 MB range takes about a
// second), and Baton's events are one per range plus JobRequested,
// FanInRequested and JobSucceeded.
func TestPlanOneTiB(t *testing.T) {
	r := baton(t, t.TempDir(), "plan", "1TiB")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	const size = int64(1) << 40
	rangeSize := (size + 9999) / 10000
	ranges := (size + rangeSize - 1) / rangeSize
	if got := planLine(t, r.stdout, "ranges"); got != humanize.Comma(ranges) {
		t.Errorf("ranges %s, want %d", got, ranges)
	}
	if got := planLine(t, r.stdout, "hops"); got != "0" {
		t.Errorf("hops %s, want 0", got)
	}
	if got := planLine(t, r.stdout, "EventBridge events"); !strings.HasPrefix(got, humanize.Comma(ranges+3)+" ") {
		t.Errorf("events %s, want %d", got, ranges+3)
	}
	if !strings.Contains(r.stdout, "total") || !strings.Contains(r.stdout, "Lambda duration") {
		t.Errorf("no itemised cost:\n%s", r.stdout)
	}
}

// A 2 s timeout on a 940 MB object forces hops: each 32 MiB range takes
// about 0.38 s at 87.5 MB/s, so 128 MiB ranges need several invocations.
func TestPlanHopsGrowWithShorterTimeout(t *testing.T) {
	long := baton(t, t.TempDir(), "plan", "940MB", "--range-size", "128MiB")
	short := baton(t, t.TempDir(), "plan", "940MB", "--range-size", "128MiB", "--timeout", "1s")
	if long.code != 0 || short.code != 0 {
		t.Fatalf("exit %d %s / %d %s", long.code, long.stderr, short.code, short.stderr)
	}
	if got := planLine(t, long.stdout, "hops"); got != "0" {
		t.Errorf("hops with 15 minutes: %s", got)
	}
	if got := planLine(t, short.stdout, "hops"); got == "0" {
		t.Errorf("no hops with a 1 s timeout:\n%s", short.stdout)
	}
}

// s3:// is sized by HeadObject: the plan equals the plan for the same
// number of bytes.
func TestPlanS3ObjectIsHeaded(t *testing.T) {
	data, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	env := motoEnv(t, "baton-cli-plan-s3", "flights.csv", data)
	got := batonEnv(t, t.TempDir(), env, "plan", "s3://baton-cli-plan-s3/flights.csv", "--range-size", "256KiB")
	want := baton(t, t.TempDir(), "plan", fmt.Sprint(len(data)), "--range-size", "256KiB")
	if got.code != 0 || want.code != 0 {
		t.Fatalf("exit %d %s / %d %s", got.code, got.stderr, want.code, want.stderr)
	}
	_, g, _ := strings.Cut(got.stdout, "\n")
	_, w, _ := strings.Cut(want.stdout, "\n")
	if g != w || !strings.Contains(got.stdout, fmt.Sprintf("(%d bytes)", len(data))) {
		t.Errorf("s3:\n%s\nsize:\n%s", got.stdout, want.stdout)
	}
}

func TestPlanBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"plan", "lots"}, "want a size such as"},
		{[]string{"plan", "1GiB", "--region", "mars-1"}, "known: eu-west-1, us-east-1"},
		{[]string{"plan", "1GiB", "--format", "xml"}, `format "xml"`},
		{[]string{"plan", "1GiB", "--range-size", "100"}, "below the minimum of 1 KiB"},
		{[]string{"plan", "1TiB", "--range-size", "1MiB"}, "over the cap of 10000"},
	} {
		r := baton(t, t.TempDir(), tc.args...)
		if r.code == 0 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
}
