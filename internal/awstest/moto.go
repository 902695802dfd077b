package awstest

import (
	"fmt"
	"os/exec"
	"strconv"
	"testing"
)

// Moto returns the base URL of this binary's moto server (S3, EventBridge,
// SQS and the rest of moto's services on one port), starting it on first
// use. It runs `moto_server` from PATH, or `python3 -m moto.server` when
// only the module is installed. State is in memory; tests should use
// bucket, bus and queue names of their own.
func Moto(t testing.TB) string {
	t.Helper()
	return start(t, "moto", launchMoto)
}

func launchMoto() (*exec.Cmd, string, string, error) {
	port, err := freePort()
	if err != nil {
		return nil, "", "", err
	}
	args := []string{"-H", "127.0.0.1", "-p", strconv.Itoa(port)}
	var cmd *exec.Cmd
	if path, err := exec.LookPath("moto_server"); err == nil {
		cmd = exec.Command(path, args...)
	} else if py, err := exec.LookPath("python3"); err == nil {
		cmd = exec.Command(py, append([]string{"-m", "moto.server"}, args...)...)
	} else {
		return nil, "", "", fmt.Errorf("neither moto_server nor python3 is on PATH; moto 5 is needed for the S3, EventBridge and SQS tests")
	}
	return launchProcess(cmd, "moto", port)
}
