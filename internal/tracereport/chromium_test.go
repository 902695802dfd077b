package tracereport

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/batonrun/baton/internal/tracereport/browsertest"
)

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
	got := browsertest.BarCount(t, page)
	if got != j.invs {
		t.Errorf("chromium drew %d bars, want %d invocations", got, j.invs)
	}
}
