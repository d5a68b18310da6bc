package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestStartPprofRefusesNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:0", "example.com:0", "no-port"} {
		t.Run(addr, func(t *testing.T) {
			stop, err := startPprof(context.Background(), addr, t.Logf)
			if err == nil {
				stop()
				t.Fatalf("startPprof(%q) accepted a non-loopback address", addr)
			}
			if !strings.Contains(err.Error(), addr) {
				t.Fatalf("error %q does not name the address %q", err, addr)
			}
		})
	}
}

func TestStartPprofServesOnLoopback(t *testing.T) {
	var logged string
	stop, err := startPprof(context.Background(), "127.0.0.1:0", func(format string, args ...any) {
		if logged == "" && len(args) > 0 {
			logged = args[0].(interface{ String() string }).String()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	resp, err := http.Get("http://" + logged + "/debug/pprof/cmdline")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || len(b) == 0 {
		t.Fatalf("cmdline: status %d, %d bytes", resp.StatusCode, len(b))
	}
}
