package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// startPprof serves net/http/pprof on addr until ctx ends. It exists to
// find where the data plane spends its time under real load (`go tool
// pprof http://ADDR/debug/pprof/profile?seconds=10`), and is off unless
// --pprof-listen is given. Profiles expose request data held in memory, so
// only a loopback address is accepted.
func startPprof(ctx context.Context, addr string, logf func(string, ...any)) (func(), error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("--pprof-listen %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("--pprof-listen %q: profiles are served on a loopback address only (127.0.0.1:PORT or [::1]:PORT)", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--pprof-listen: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logf("pprof server stopped: %v", err)
		}
	}()
	logf("serving profiles on http://%s/debug/pprof/", ln.Addr())
	stop := func() { _ = srv.Close() }
	context.AfterFunc(ctx, stop)
	return stop, nil
}
