package tracereport

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// ChromiumPath is where Debian's chromium package installs the browser.
const chromiumPath = "/usr/bin/chromium"

var renderedRE = regexp.MustCompile(`<span id="rendered-bars">(\d+)</span>`)

// TestChromiumDrawsOneBarPerInvocation renders the page in headless
// Chromium and reads back the number of bars the browser laid out with a
// non-zero size, which the page's script writes into #rendered-bars.
func TestChromiumDrawsOneBarPerInvocation(t *testing.T) {
	j := newFakeJob(11, 4, 3)
	tl, err := Build(j.spans, j.jobID)
	if err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(t.TempDir(), "trace.html")
	var b bytes.Buffer
	if err := HTML(&b, tl); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	got := ChromiumBarCount(t, page)
	if got != j.invs {
		t.Errorf("chromium drew %d bars, want %d invocations", got, j.invs)
	}
}

// ChromiumBarCount dumps the DOM of page after its script ran and returns
// the page's count of drawn bars. It fails the test when Chromium is
// missing, fails or the script did not write a count.
func ChromiumBarCount(t *testing.T, page string) int {
	t.Helper()
	dom := dumpDOM(t, page)
	m := renderedRE.FindSubmatch(dom)
	if m == nil {
		t.Fatalf("no bar count in the DOM Chromium dumped (did the page's script run?):\n%.2000s", dom)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

func dumpDOM(t *testing.T, page string) []byte {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("%s is missing: this test renders the trace page in headless Chromium; install Debian's package with `apt-get install -y chromium` (as root)", chromiumPath)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromiumPath, chromiumArgs(t.TempDir(), "--dump-dom", "file://"+page)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium --dump-dom %s: %v\n%s", page, err, stderr.Bytes())
	}
	return out
}

// chromiumArgs are the flags for a headless run that touches no network.
func chromiumArgs(profile string, extra ...string) []string {
	return append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
		"--user-data-dir=" + profile}, extra...)
}
