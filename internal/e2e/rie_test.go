package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// invokePath is the emulator's invoke URL path (internal/lambda/rie/http.go
// of the pinned aws-lambda-runtime-interface-emulator).
const invokePath = "/2015-03-31/functions/function/invocations"

// errFunction marks an invocation that ended in a function error or a
// timeout; the emulator answers both with status 200 (it sets no
// X-Amz-Function-Error header): an error is the body
// {"errorMessage":…,"errorType":…}, a timeout the text "Task timed out
// after N.00 seconds".
var errFunction = errors.New("function error")

// emulator is one RIE process: one container running one bootstrap, which
// serves one invocation at a time (the emulator fails a second concurrent
// invoke with 400, ErrAlreadyReserved).
type emulator struct {
	url string
	log string
	cmd *exec.Cmd
}

// pool is the containers of one function. acquire hands out an idle one.
type pool struct {
	name string
	idle chan *emulator
	all  []*emulator
}

// poolSpec describes a function's containers.
type poolSpec struct {
	Name      string   // function name, for logs
	RIE       string   // aws-lambda-rie binary
	Bootstrap string   // the function's bootstrap binary
	Size      int      // number of emulator processes
	Timeout   int      // function timeout in whole seconds (AWS_LAMBDA_FUNCTION_TIMEOUT)
	Env       []string // KEY=VALUE added to a minimal environment
	LogDir    string   // where each emulator's stdout and stderr go
}

// startPool starts spec.Size emulators and waits until each accepts TCP
// connections. Every process is killed in t.Cleanup and, should the test
// binary die first, by its parent-death signal.
func startPool(t *testing.T, spec poolSpec) *pool {
	t.Helper()
	p := &pool{name: spec.Name, idle: make(chan *emulator, spec.Size)}
	for i := range spec.Size {
		e, err := startEmulator(spec, i)
		if e != nil {
			t.Cleanup(e.stop)
		}
		if err != nil {
			t.Fatalf("starting %s emulator %d: %v", spec.Name, i, err)
		}
		p.all = append(p.all, e)
		p.idle <- e
	}
	return p
}

func startEmulator(spec poolSpec, i int) (*emulator, error) {
	ports, err := freePorts(2)
	if err != nil {
		return nil, err
	}
	invokeAddr := fmt.Sprintf("127.0.0.1:%d", ports[0])
	logPath := filepath.Join(spec.LogDir, fmt.Sprintf("%s-%d.log", spec.Name, i))
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	// Each emulator needs its own Runtime API port; the default (9001)
	// would clash between processes.
	cmd := exec.Command(spec.RIE,
		"--runtime-interface-emulator-address", invokeAddr,
		"--runtime-api-address", fmt.Sprintf("127.0.0.1:%d", ports[1]),
		"--log-level", "warn",
		spec.Bootstrap)
	cmd.Dir = filepath.Dir(spec.Bootstrap)
	cmd.Env = append(baseEnv(), "AWS_LAMBDA_FUNCTION_TIMEOUT="+strconv.Itoa(spec.Timeout),
		"AWS_LAMBDA_FUNCTION_NAME="+spec.Name)
	cmd.Env = append(cmd.Env, spec.Env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	e := &emulator{url: "http://" + invokeAddr + invokePath, log: logPath, cmd: cmd}
	go func() { _ = cmd.Wait(); logf.Close() }()
	if err := waitListening(invokeAddr, 10*time.Second); err != nil {
		return e, fmt.Errorf("%s did not listen: %w", invokeAddr, err)
	}
	return e, nil
}

// stop kills the emulator's process group: the emulator and the runtime
// (bootstrap) it started.
func (e *emulator) stop() {
	if e.cmd.Process != nil {
		_ = syscall.Kill(-e.cmd.Process.Pid, syscall.SIGKILL)
	}
}

// baseEnv is what the emulators inherit: enough to run, and no ambient
// AWS settings of the machine.
func baseEnv() []string {
	var env []string
	for _, k := range []string{"PATH", "HOME", "TMPDIR"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// invoke runs payload on an idle container of p, waiting for one while all
// are busy. It returns the response body; a function error or timeout is
// errFunction with the body in the message, a transport or status failure
// another error.
func (p *pool) invoke(ctx context.Context, payload []byte) ([]byte, error) {
	var e *emulator
	select {
	case e = <-p.idle:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { p.idle <- e }()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.url, bytes.NewReader(payload))
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.name, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%s: reading response: %w", p.name, err)
	}
	if resp.StatusCode/100 != 2 {
		return body, fmt.Errorf("%s: status %d: %s", p.name, resp.StatusCode, body)
	}
	if isFunctionError(body) {
		return body, fmt.Errorf("%s: %w: %s", p.name, errFunction, body)
	}
	return body, nil
}

func isFunctionError(body []byte) bool {
	if bytes.HasPrefix(body, []byte("Task timed out after")) {
		return true
	}
	var v struct {
		Message *string `json:"errorMessage"`
		Type    *string `json:"errorType"`
	}
	return json.Unmarshal(body, &v) == nil && v.Message != nil && v.Type != nil
}

// logs returns the tail of every emulator's log, for failure reports.
func (p *pool) logs(maxBytes int) string {
	var b strings.Builder
	for _, e := range p.all {
		data, _ := os.ReadFile(e.log)
		if len(data) > maxBytes {
			data = data[len(data)-maxBytes:]
		}
		fmt.Fprintf(&b, "=== %s (%s)\n%s\n", p.name, e.log, data)
	}
	return b.String()
}

func freePorts(n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func waitListening(addr string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			return c.Close()
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// buildBootstrap builds the main package pkg (a path relative to the
// module root, "./functions/worker") for the host as dir/name/bootstrap,
// the way the SAM template's go build does it (lambda.norpc).
func buildBootstrap(t *testing.T, dir, pkg, name string) string {
	t.Helper()
	out := filepath.Join(dir, name, "bootstrap")
	cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-o", out, pkg)
	cmd.Dir = moduleRoot(t)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, b)
	}
	return out
}

// moduleRoot is the repository root (tests run in internal/e2e).
func moduleRoot(t *testing.T) string {
	t.Helper()
	abs, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return abs
}
