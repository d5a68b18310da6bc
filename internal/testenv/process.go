package testenv

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// handedOut holds every port FreePort returned in this test binary, so two
// calls in a row (a server's API and console ports) never return the same one.
var (
	handedOutMu sync.Mutex
	handedOut   = map[int]bool{}
)

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago and that
// no earlier call returned. The server started on it may still lose a race
// with another process; start reports that as a failure with its output.
func FreePort(t testing.TB) int {
	t.Helper()
	handedOutMu.Lock()
	defer handedOutMu.Unlock()
	for range 100 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("testenv: no free port on 127.0.0.1: %v", err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		if !handedOut[port] {
			handedOut[port] = true
			return port
		}
	}
	t.Fatal("testenv: 100 tries found only ports already handed out")
	return 0
}

// lockedBuffer collects a server's stdout and stderr, written from two goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// process is a server started for one test.
type process struct {
	name   string
	cmd    *exec.Cmd
	output *lockedBuffer
	exited chan struct{}
	err    error // set before exited is closed
}

// startProcess starts argv in its own process group with env added to the
// test's environment, and registers a cleanup that stops the whole group (node
// and serverless fork children that must not outlive the test) and prints the
// server's output when the test failed.
func startProcess(t testing.TB, name, dir string, env []string, argv ...string) *process {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("testenv: start %s: %v", name, err)
	}
	p := &process{name: name, cmd: cmd, output: out, exited: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		p.stop()
		if t.Failed() {
			t.Logf("testenv: output of %s:\n%s", name, out.String())
		}
	})
	return p
}

// stop sends SIGTERM to the process group, and SIGKILL when it has not gone
// within five seconds.
func (p *process) stop() {
	pgid := p.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-p.exited
	}
	// Children that ignored SIGTERM after their leader left are still in the group.
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
}

// waitReady polls ready until it reports nil, the process exits, or timeout
// passes; the last two fail the test with the server's output.
func (p *process) waitReady(t testing.TB, timeout time.Duration, ready func(ctx context.Context) error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var last error
	for time.Now().Before(deadline) {
		select {
		case <-p.exited:
			t.Fatalf("testenv: %s exited before it answered (%v); output:\n%s", p.name, p.err, p.output.String())
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		last = ready(ctx)
		cancel()
		if last == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("testenv: %s did not answer within %s (last: %v); output:\n%s", p.name, timeout, last, p.output.String())
}

// httpAnswers is a readiness check that succeeds once anything answers HTTP at
// url, whatever the status: an AWS-shaped error proves the server is up.
func httpAnswers(url string) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		return nil
	}
}

// httpStatus is a readiness check that wants one HTTP status from a request.
func httpStatus(method, url string, want int) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, method, url, nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			return errors.New("status " + strconv.Itoa(resp.StatusCode) + ", want " + strconv.Itoa(want))
		}
		return nil
	}
}

// loopbackURL is the http URL of a port on 127.0.0.1.
func loopbackURL(port int) string {
	return fmt.Sprintf("http://127.0.0.1:%d", port)
}
