// Package browsertest renders tracereport pages in headless Chromium for
// tests: it counts the bars the browser laid out and takes screenshots.
// It needs Debian's chromium package at ChromiumPath and fails the test,
// saying how to install it, when the browser is missing: it never skips.
package browsertest

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// ChromiumPath is where Debian's chromium package installs the browser.
const ChromiumPath = "/usr/bin/chromium"

// runTimeout bounds one browser run.
const runTimeout = 60 * time.Second

var renderedRE = regexp.MustCompile(`<span id="rendered-bars">(\d+)</span>`)

// BarCount loads page (a file path) in headless Chromium, dumps the DOM
// after the page's script ran and returns the number the script wrote into
// #rendered-bars: the bars laid out with a non-zero size. It fails the
// test when Chromium is missing or fails, or when no count was written.
func BarCount(t testing.TB, page string) int {
	t.Helper()
	dom := run(t, "--dump-dom", "file://"+page)
	m := renderedRE.FindSubmatch(dom)
	if m == nil {
		t.Fatalf("no bar count in the DOM Chromium dumped for %s (did the page's script run?):\n%.2000s", page, dom)
	}
	n, err := strconv.Atoi(string(m[1]))
	if err != nil {
		t.Fatalf("bar count %q: %v", m[1], err)
	}
	return n
}

// Screenshot writes a PNG of page, widthxheight pixels, to out.
func Screenshot(t testing.TB, page, out string, width, height int) {
	t.Helper()
	run(t, "--screenshot="+out, "--hide-scrollbars", "--window-size="+strconv.Itoa(width)+","+strconv.Itoa(height), "file://"+page)
	if fi, err := os.Stat(out); err != nil || fi.Size() == 0 {
		t.Fatalf("chromium wrote no screenshot to %s: %v", out, err)
	}
}

// run starts Chromium headless with a fresh profile and no network
// features, and returns its stdout.
func run(t testing.TB, args ...string) []byte {
	t.Helper()
	if _, err := os.Stat(ChromiumPath); err != nil {
		t.Fatalf("%s is missing: this test renders the trace page in headless Chromium; install Debian's package with `apt-get install -y chromium` (as root)", ChromiumPath)
	}
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
		"--user-data-dir=" + t.TempDir()}
	cmd := exec.CommandContext(ctx, ChromiumPath, append(base, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, stderr.Bytes())
	}
	return out
}
