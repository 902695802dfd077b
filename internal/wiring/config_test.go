package wiring

import (
	"strings"
	"testing"
	"time"

	"github.com/batonrun/baton/internal/splitter"
)

// A bad allow-list entry is a configuration error naming the variable and
// the entry, not a splitter that silently allows or refuses everything.
func TestAllowedSourcesFromEnv(t *testing.T) {
	m := awsEnv()
	m["BATON_ALLOWED_SOURCES"] = "input,,*"
	_, err := ConfigFromEnv(Splitter, env(m))
	for _, want := range []string{"BATON_ALLOWED_SOURCES", `[1] ""`, `[2] "*"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not name %s", err, want)
		}
	}
	m["BATON_ALLOWED_SOURCES"] = "input/uploads/"
	c, err := ConfigFromEnv(Splitter, env(m))
	if err != nil {
		t.Fatal(err)
	}
	if got := (Deps{Config: c}).SplitterOptions().AllowedSources; len(got) != 1 || got[0] != "input/uploads/" {
		t.Fatalf("splitter options allow %v", got)
	}
	if err := (splitter.Options{AllowedSources: c.AllowedSources}).Validate(); err != nil {
		t.Fatal(err)
	}
}

// The sweeper's threshold defaults to StalledAfterTimeouts worker
// timeouts, and may not be shorter than one.
func TestSweeperTiming(t *testing.T) {
	cases := []struct {
		timeout, stalled  string
		wantTimeout, want time.Duration
		wantErr           string
	}{
		{"", "", 900 * time.Second, StalledAfterTimeouts * 900 * time.Second, ""},
		{"60", "", time.Minute, StalledAfterTimeouts * time.Minute, ""},
		{"60", "600", time.Minute, 10 * time.Minute, ""},
		{"60", "59", 0, 0, "less than the worker timeout"},
		{"60", "soon", 0, 0, "BATON_STALLED_AFTER_SECONDS"},
		{"-1", "", 0, 0, "BATON_WORKER_TIMEOUT_SECONDS"},
	}
	for _, tc := range cases {
		m := awsEnv()
		m["BATON_WORKER_TIMEOUT_SECONDS"], m["BATON_STALLED_AFTER_SECONDS"] = tc.timeout, tc.stalled
		c, err := ConfigFromEnv(Sweeper, env(m))
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%+v: error %v, want %q", tc, err, tc.wantErr)
			}
			continue
		}
		if err != nil || c.WorkerTimeout != tc.wantTimeout || c.StalledAfter != tc.want {
			t.Errorf("%+v: timeout %v stalled %v err %v", tc, c.WorkerTimeout, c.StalledAfter, err)
		}
	}
	// Other functions do not read the sweeper's variables.
	m := awsEnv()
	m["BATON_STALLED_AFTER_SECONDS"] = "1"
	if c, err := ConfigFromEnv(Worker, env(m)); err != nil || c.StalledAfter != 0 {
		t.Errorf("worker: %+v, %v", c, err)
	}
	req, opt := EnvVars(Sweeper)
	if got := strings.Join(append(req, opt...), " "); !strings.Contains(got, "BATON_STALLED_AFTER_SECONDS") || strings.Contains(got, "BATON_UPLOAD_QUERY") {
		t.Errorf("sweeper variables %s", got)
	}
}
