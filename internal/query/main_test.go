package query

import (
	"flag"
	"os"
	"testing"
)

// TestMain runs the property tests with 200 checks unless -rapid.checks is
// given, keeping the package's test run well under a second.
func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "rapid.checks" })
	if !set {
		if err := flag.Set("rapid.checks", "200"); err != nil {
			panic(err)
		}
	}
	os.Exit(m.Run())
}
