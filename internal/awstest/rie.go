package awstest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// riePackage is the AWS Lambda Runtime Interface Emulator; its version is
// pinned by the tool directive in go.mod.
const riePackage = "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie"

// RIE returns the path of an aws-lambda-rie binary built from the version
// go.mod pins, building it into a temporary directory of t on first use
// in this test.
func RIE(t testing.TB) string {
	t.Helper()
	path, err := BuildTool(t.TempDir(), riePackage, "aws-lambda-rie")
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// BuildTool runs `go build -o dir/name pkg` in the module that holds the
// working directory (tests run in their package directory) and returns the
// binary's path.
func BuildTool(dir, pkg, name string, env ...string) (string, error) {
	out := filepath.Join(dir, name)
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Env = append(os.Environ(), env...)
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s: %w\n%s", pkg, err, b)
	}
	return out, nil
}
