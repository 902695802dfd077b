// Package awstest starts the real AWS-protocol servers that Baton's
// integration tests talk to, on 127.0.0.1, and builds SDK configurations
// aimed at them:
//
//   - DynamoDB Local: AWS's own jar, taken from the npm package
//     amplify-dynamodb-simulator@2.9.30 (package/emulator/) and cached under
//     the user cache directory (baton/dynamodb-local-2.9.30), run with
//     Java 17 as `-inMemory -disableTelemetry`;
//   - moto's server (moto_server, from the machine's Python): S3,
//     EventBridge and SQS.
//
// Each server starts at most once per test binary, on first use, and is
// stopped by Stop (call it from TestMain through Main) or, failing that,
// killed with the test binary (Linux parent-death signal). A server that
// cannot start fails the test; it is never skipped.
//
// This package is test support: its one package-level value is the
// registry of running servers, the only way to share them across the tests
// of one binary.
package awstest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Region is the region every emulated service uses.
const Region = "us-east-1"

// AccountID is moto's default account id, used in the ARNs it accepts.
const AccountID = "123456789012"

// server is one started process.
type server struct {
	once sync.Once
	url  string
	cmd  *exec.Cmd
	log  string
	err  error
}

var registry = struct {
	mu      sync.Mutex
	servers map[string]*server
}{servers: map[string]*server{}}

// Main runs the tests and then stops every server they started. Use it as
// the body of a package's TestMain: func TestMain(m *testing.M) { awstest.Main(m) }.
func Main(m *testing.M) {
	code := m.Run()
	Stop()
	os.Exit(code)
}

// Stop kills every server this binary started. Safe to call more than once.
func Stop() {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	for name, s := range registry.servers {
		if s.cmd != nil && s.cmd.Process != nil {
			// Kill the process group; launchProcess's goroutine reaps it.
			_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		}
		delete(registry.servers, name)
	}
}

// start runs the named server once per binary and returns its base URL.
func start(t testing.TB, name string, launch func() (*exec.Cmd, string, string, error)) string {
	t.Helper()
	registry.mu.Lock()
	s, ok := registry.servers[name]
	if !ok {
		s = &server{}
		registry.servers[name] = s
	}
	registry.mu.Unlock()
	s.once.Do(func() { s.cmd, s.url, s.log, s.err = launch() })
	if s.err != nil {
		t.Fatalf("starting %s: %v", name, s.err)
	}
	return s.url
}

// Config returns an SDK configuration for the emulated services at
// endpoint: static test credentials, Region, checksums only when required
// (the emulators do not all return them) and a bounded standard retryer.
func Config(endpoint string) aws.Config {
	return aws.Config{
		Region:                     Region,
		Credentials:                credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint:               aws.String(endpoint),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
		RetryMaxAttempts:           3,
	}
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// launchProcess starts cmd with its output in a log file under the cache
// directory and waits until it accepts TCP connections on port.
func launchProcess(cmd *exec.Cmd, name string, port int) (*exec.Cmd, string, string, error) {
	dir, err := CacheDir("logs")
	if err != nil {
		return nil, "", "", err
	}
	logPath := filepath.Join(dir, fmt.Sprintf("%s-%d.log", name, os.Getpid()))
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, "", "", err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, "", "", fmt.Errorf("%s: %w", name, err)
	}
	go func() { _ = cmd.Wait(); logf.Close() }()
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	if err := waitTCP(addr, 60*time.Second); err != nil {
		_ = cmd.Process.Kill()
		out, _ := os.ReadFile(logPath)
		return nil, "", "", fmt.Errorf("%s did not listen on %s: %w; log %s:\n%s", name, addr, err, logPath, out)
	}
	return cmd, "http://" + addr, logPath, nil
}

func waitTCP(addr string, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	var d net.Dialer
	for {
		c, err := d.DialContext(ctx, "tcp", addr)
		if err == nil {
			return c.Close()
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// CacheDir returns (creating it) a directory under the user cache
// directory's baton/ for downloaded and built test tools.
func CacheDir(sub string) (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("user cache directory: %w", err)
	}
	dir := filepath.Join(base, "baton", sub)
	return dir, os.MkdirAll(dir, 0o755)
}
