package e2e

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// ferryBin is the binary under test, built once by TestMain.
var ferryBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ferry-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ferryBin = filepath.Join(dir, "ferry")
	build := exec.Command("go", "build", "-o", ferryBin, "github.com/ferrygw/ferry/cmd/ferry")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: building ferry:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// ferry is one running `ferry serve` process.
type ferry struct {
	t       *testing.T
	cmd     *exec.Cmd
	DataDir string
	Data    string // data-plane base URL, http://127.0.0.1:P
	Admin   string // admin base URL
	Token   string
	env     []string
	logs    *syncBuffer
	exited  chan error
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var listenRE = regexp.MustCompile(`ferry: (data plane|admin API) listening on (\S+)`)

// startFerry starts `ferry serve` on free ports with a fresh data directory
// (or dataDir, to restart on the same store) and waits until both listeners
// are up. extraEnv entries are KEY=VALUE.
func startFerry(t *testing.T, dataDir string, extraEnv ...string) *ferry {
	t.Helper()
	return startFerryWith(t, serveOptions{dataDir: dataDir, env: extraEnv})
}

// serveOptions are the less common ways to start ferry.
type serveOptions struct {
	dataDir string
	env     []string // KEY=VALUE
	config  string   // ferry.yaml content; empty for none
}

func startFerryWith(t *testing.T, o serveOptions) *ferry {
	t.Helper()
	dataDir, extraEnv := o.dataDir, o.env
	if dataDir == "" {
		dataDir = t.TempDir()
	}
	f := &ferry{t: t, DataDir: dataDir, Token: randomToken(), logs: &syncBuffer{}, exited: make(chan error, 1)}
	f.env = append(os.Environ(), "FERRY_ADMIN_TOKEN="+f.Token)
	f.env = append(f.env, extraEnv...)
	args := []string{"serve", "--data-dir", dataDir, "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0", "--log-format", "json"}
	if o.config != "" {
		args = append(args, "--config", writeFile(t, "ferry.yaml", o.config))
	}
	f.cmd = exec.Command(ferryBin, args...)
	f.cmd.Env = f.env
	stderr, err := f.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	f.cmd.Stdout = f.logs
	if err := f.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addrs := make(chan [2]string, 4)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			f.logs.Write([]byte(line + "\n"))
			if m := listenRE.FindStringSubmatch(line); m != nil {
				addrs <- [2]string{m[1], m[2]}
			}
		}
	}()
	go func() { f.exited <- f.cmd.Wait() }()
	deadline := time.After(30 * time.Second)
	for f.Data == "" || f.Admin == "" {
		select {
		case a := <-addrs:
			if a[0] == "data plane" {
				f.Data = "http://" + a[1]
			} else {
				f.Admin = "http://" + a[1]
			}
		case err := <-f.exited:
			t.Fatalf("ferry serve exited early: %v\n%s", err, f.logs.String())
		case <-deadline:
			t.Fatalf("ferry serve did not report its listeners within 30s\n%s", f.logs.String())
		}
	}
	t.Cleanup(func() {
		f.stop(syscall.SIGKILL)
		if t.Failed() {
			t.Logf("ferry serve output:\n%s", f.logs.String())
		}
	})
	return f
}

// waitLog reports whether the server's output contains s within 5 s; a
// request's log line is written just after its answer.
func (f *ferry) waitLog(s string) bool {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if strings.Contains(f.logs.String(), s) {
			return true
		}
	}
	return false
}

// stop signals the process and waits for it, returning its exit error.
func (f *ferry) stop(sig syscall.Signal) error {
	if f.cmd.ProcessState != nil {
		return nil
	}
	_ = f.cmd.Process.Signal(sig)
	select {
	case err := <-f.exited:
		f.exited <- err
		return err
	case <-time.After(60 * time.Second):
		_ = f.cmd.Process.Kill()
		return fmt.Errorf("ferry did not exit within 60s of %v", sig)
	}
}

// cli runs a ferry CLI command against this server and returns stdout; it
// fails the test on a non-zero exit.
func (f *ferry) cli(args ...string) string {
	f.t.Helper()
	out, errOut, err := f.tryCLI(args...)
	if err != nil {
		f.t.Fatalf("ferry %s: %v\nstdout: %s\nstderr: %s", strings.Join(args, " "), err, out, errOut)
	}
	return out
}

// tryCLI runs a ferry CLI command and returns stdout, stderr and the exit error.
func (f *ferry) tryCLI(args ...string) (string, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, ferryBin, args...)
	cmd.Env = append(append([]string{}, f.env...), "FERRY_ADMIN_URL="+f.Admin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	return out.String(), errOut.String(), err
}

// call sends one request to a stage through the /restapis/{id}/{stage}/_user_request_ path.
func (f *ferry) call(method, apiID, stage, path string, body io.Reader, header map[string]string) (*http.Response, string) {
	f.t.Helper()
	url := fmt.Sprintf("%s/restapis/%s/%s/_user_request_%s", f.Data, apiID, stage, path)
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		f.t.Fatal(err)
	}
	for k, v := range header {
		if strings.EqualFold(k, "host") {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatalf("%s %s: reading body: %v", method, url, err)
	}
	return resp, string(b)
}

func randomToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// repoFile returns the path of a file relative to the repository root.
func repoFile(t *testing.T, rel string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", rel))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// writeFile writes content into the test's temp dir and returns the path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
