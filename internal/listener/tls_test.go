package listener

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// echoCert answers with the client certificate the listener saw, as the
// gateway puts it into $context.
var echoCert = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	json.NewEncoder(w).Encode(ClientCert(r.TLS))
})

func startTLS(t *testing.T, certs *Certificates, h http.Handler) string {
	t.Helper()
	ln, err := Listen("127.0.0.1:0", certs)
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(h, Limits{ReadHeaderTimeout: 2 * time.Second}, log.New(io.Discard, "", 0))
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

func client(roots *tls.Config) *http.Client {
	return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: roots}}
}

// TestMutualTLS runs real handshakes: the default certificate with its
// truststore, and per-domain entries chosen by SNI, one with a truststore
// of its own and one without.
func TestMutualTLS(t *testing.T) {
	serverCA, clientCA, otherCA := newCA(t, "server CA"), newCA(t, "client CA"), newCA(t, "other CA")
	partnerCA := newCA(t, "partner CA")
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{
		"server.pem":    serverCA.issue(t, "gateway", false, inADay).certPEM,
		"client-ca.pem": clientCA.pem, "partner-ca.pem": partnerCA.pem,
	})
	srv := serverCA.issue(t, "gateway", false, inADay, "api.example.com", "x.open.example.com")
	writeFiles(t, dir, map[string][]byte{"server.pem": srv.certPEM, "server.key": srv.keyPEM})
	p := func(n string) string { return filepath.Join(dir, n) }
	certs, err := NewCertificates(
		TLSFiles{Cert: p("server.pem"), Key: p("server.key"), ClientCA: p("client-ca.pem")},
		[]Domain{
			{Name: "api.example.com", TLSFiles: TLSFiles{Cert: p("server.pem"), Key: p("server.key"), ClientCA: p("partner-ca.pem")}},
			{Name: "*.open.example.com", TLSFiles: TLSFiles{Cert: p("server.pem"), Key: p("server.key")}},
		}, nil)
	if err != nil {
		t.Fatal(err)
	}
	addr := startTLS(t, certs, echoCert)

	good := clientCA.issue(t, "alice", true, inADay)
	expired := clientCA.issue(t, "bob", true, time.Now().Add(-time.Hour))
	stranger := otherCA.issue(t, "mallory", true, inADay)
	partner := partnerCA.issue(t, "partner", true, inADay)
	cases := []struct {
		name, serverName string
		cert             *leaf
		wantSubject      string // "" when the handshake must fail
		wantNoCert       bool
	}{
		{"valid client", "", &good, "CN=alice,O=ferry tests", false},
		{"no certificate", "", nil, "", false},
		{"expired certificate", "", &expired, "", false},
		{"certificate from another CA", "", &stranger, "", false},
		{"domain's own truststore", "api.example.com", &partner, "CN=partner,O=ferry tests", false},
		{"default CA refused on the domain", "api.example.com", &good, "", false},
		{"wildcard domain without mutual TLS", "x.open.example.com", nil, "", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := &tls.Config{RootCAs: serverCA.pool(), ServerName: tc.serverName}
			if tc.cert != nil {
				cfg.Certificates = []tls.Certificate{tc.cert.pair(t)}
			}
			url := "https://" + addr + "/"
			resp, err := client(cfg).Get(url)
			if tc.wantSubject == "" && !tc.wantNoCert {
				if err == nil {
					resp.Body.Close()
					t.Fatalf("handshake succeeded (status %d), want it refused", resp.StatusCode)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if tc.wantNoCert {
				if strings.TrimSpace(string(body)) != "null" {
					t.Errorf("got client certificate %s on a domain without mutual TLS", body)
				}
				return
			}
			var got struct {
				SubjectDN, IssuerDN, SerialNumber, ClientCertPem string
				Validity                                         struct{ NotBefore, NotAfter string }
			}
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatalf("%v: %s", err, body)
			}
			if got.SubjectDN != tc.wantSubject || !strings.HasPrefix(got.ClientCertPem, "-----BEGIN CERTIFICATE-----") {
				t.Errorf("client cert %+v", got)
			}
			want := tc.cert.cert
			if got.IssuerDN != want.Issuer.String() || got.SerialNumber != colonHex(want.SerialNumber.Bytes()) ||
				got.Validity.NotAfter != want.NotAfter.UTC().Format(opensslTime) {
				t.Errorf("client cert %+v, want issuer %s serial %s", got, want.Issuer, want.SerialNumber)
			}
		})
	}
}

// TestCipherPolicy checks that old protocol versions and non-AEAD suites
// are refused at the handshake.
func TestCipherPolicy(t *testing.T) {
	ca := newCA(t, "ca")
	dir := t.TempDir()
	l := ca.issue(t, "gw", false, inADay)
	writeFiles(t, dir, map[string][]byte{"c.pem": l.certPEM, "k.pem": l.keyPEM})
	certs, err := NewCertificates(TLSFiles{Cert: filepath.Join(dir, "c.pem"), Key: filepath.Join(dir, "k.pem")}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	addr := startTLS(t, certs, echoCert)
	for _, tc := range []struct {
		name string
		cfg  *tls.Config
		ok   bool
	}{
		{"TLS 1.3", &tls.Config{MinVersion: tls.VersionTLS13}, true},
		{"TLS 1.2 AEAD", &tls.Config{MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}}, true},
		{"TLS 1.2 CBC only", &tls.Config{MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA}}, false},
		{"TLS 1.1", &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11}, false},
	} {
		tc.cfg.RootCAs = ca.pool()
		conn, err := tls.Dial("tcp", addr, tc.cfg)
		if conn != nil {
			conn.Close()
		}
		if (err == nil) != tc.ok {
			t.Errorf("%s: handshake error %v, want success %v", tc.name, err, tc.ok)
		}
	}
}

// TestReload replaces the certificate files under a running listener: new
// connections get the new certificate, a connection opened before keeps
// working, and a broken file leaves the previous certificate in service.
func TestReload(t *testing.T) {
	ca := newCA(t, "ca")
	dir := t.TempDir()
	first, second := ca.issue(t, "first", false, inADay), ca.issue(t, "second", false, inADay)
	writeFiles(t, dir, map[string][]byte{"c.pem": first.certPEM, "k.pem": first.keyPEM})
	certs, err := NewCertificates(TLSFiles{Cert: filepath.Join(dir, "c.pem"), Key: filepath.Join(dir, "k.pem")}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	addr := startTLS(t, certs, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go certs.Watch(ctx, 20*time.Millisecond)

	servedCN := func() string {
		conn, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: ca.pool()})
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		return conn.ConnectionState().PeerCertificates[0].Subject.CommonName
	}
	kept := client(&tls.Config{RootCAs: ca.pool()})
	get := func() error {
		resp, err := kept.Get("https://" + addr + "/")
		if err != nil {
			return err
		}
		resp.Body.Close()
		return nil
	}
	if err := get(); err != nil {
		t.Fatal(err)
	}
	if cn := servedCN(); cn != "first" {
		t.Fatalf("served %q", cn)
	}
	writeFiles(t, dir, map[string][]byte{"c.pem": second.certPEM, "k.pem": second.keyPEM})
	waitFor(t, func() bool { return servedCN() == "second" })
	if err := get(); err != nil {
		t.Errorf("the connection opened before the reload failed: %v", err)
	}

	writeFiles(t, dir, map[string][]byte{"k.pem": []byte("not a key")})
	if _, err := certs.Reload(); err == nil || !strings.Contains(err.Error(), "k.pem") {
		t.Errorf("broken key reload error = %v, want it to name the file", err)
	}
	if cn := servedCN(); cn != "second" {
		t.Errorf("after a broken reload served %q, want the previous certificate", cn)
	}
}

func TestCertificateErrors(t *testing.T) {
	dir := t.TempDir()
	ca := newCA(t, "ca")
	l := ca.issue(t, "gw", false, inADay)
	writeFiles(t, dir, map[string][]byte{"c.pem": l.certPEM, "k.pem": l.keyPEM, "junk.pem": []byte("junk")})
	p := func(n string) string { return filepath.Join(dir, n) }
	cases := []struct {
		name string
		def  TLSFiles
		doms []Domain
		want string
	}{
		{"nothing", TLSFiles{}, nil, "tls: no certificate configured"},
		{"missing file", TLSFiles{Cert: p("nope.pem"), Key: p("k.pem")}, nil, "nope.pem: no such file"},
		{"key mismatch", TLSFiles{Cert: p("c.pem"), Key: p("junk.pem")}, nil, "tls: certificate " + p("c.pem") + " with key " + p("junk.pem")},
		{"bad CA", TLSFiles{Cert: p("c.pem"), Key: p("k.pem"), ClientCA: p("junk.pem")}, nil, "client CA file " + p("junk.pem") + " holds no PEM certificate"},
		{"bad domain", TLSFiles{}, []Domain{{Name: "a.example", TLSFiles: TLSFiles{Cert: p("junk.pem"), Key: p("k.pem")}}}, "tls: domain a.example:"},
	}
	for _, tc := range cases {
		_, err := NewCertificates(tc.def, tc.doms, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
	// Only a domain configured: another name is refused with the reason.
	certs, err := NewCertificates(TLSFiles{}, []Domain{{Name: "a.example", TLSFiles: TLSFiles{Cert: p("c.pem"), Key: p("k.pem")}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := certs.current.Load().forName("b.example"); err == nil || !strings.Contains(err.Error(), `no certificate for server name "b.example" (configured: a.example)`) {
		t.Errorf("forName: %v", err)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal(errors.New("condition not met within 5s"))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestHTTP2 checks that a client negotiating h2 over ALPN is served HTTP/2
// with its client certificate seen, since the listener offers h2.
func TestHTTP2(t *testing.T) {
	serverCA, clientCA := newCA(t, "server CA"), newCA(t, "client CA")
	dir := t.TempDir()
	srv := serverCA.issue(t, "gw", false, inADay)
	writeFiles(t, dir, map[string][]byte{"c.pem": srv.certPEM, "k.pem": srv.keyPEM, "ca.pem": clientCA.pem})
	certs, err := NewCertificates(TLSFiles{Cert: filepath.Join(dir, "c.pem"), Key: filepath.Join(dir, "k.pem"), ClientCA: filepath.Join(dir, "ca.pem")}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	addr := startTLS(t, certs, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s %s", r.Proto, ClientCert(r.TLS).SubjectDN)
	}))
	good := clientCA.issue(t, "h2client", true, inADay)
	c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{ForceAttemptHTTP2: true,
		TLSClientConfig: &tls.Config{RootCAs: serverCA.pool(), Certificates: []tls.Certificate{good.pair(t)}}}}
	resp, err := c.Get("https://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if string(b) != "HTTP/2.0 CN=h2client,O=ferry tests" {
		t.Errorf("got %q", b)
	}
}

// TestRefusedHandshakesLeaveNothing repeats refused handshakes and checks
// the server holds no goroutine for any of them afterwards.
func TestRefusedHandshakesLeaveNothing(t *testing.T) {
	serverCA, clientCA, otherCA := newCA(t, "server CA"), newCA(t, "client CA"), newCA(t, "other CA")
	dir := t.TempDir()
	srv := serverCA.issue(t, "gw", false, inADay)
	writeFiles(t, dir, map[string][]byte{"c.pem": srv.certPEM, "k.pem": srv.keyPEM, "ca.pem": clientCA.pem})
	certs, err := NewCertificates(TLSFiles{Cert: filepath.Join(dir, "c.pem"), Key: filepath.Join(dir, "k.pem"), ClientCA: filepath.Join(dir, "ca.pem")}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	addr := startTLS(t, certs, echoCert)
	expired := clientCA.issue(t, "old", true, time.Now().Add(-time.Minute))
	foreign := otherCA.issue(t, "stranger", true, inADay)
	clients := []*tls.Config{
		{RootCAs: serverCA.pool()},
		{RootCAs: serverCA.pool(), Certificates: []tls.Certificate{expired.pair(t)}},
		{RootCAs: serverCA.pool(), Certificates: []tls.Certificate{foreign.pair(t)}},
		{RootCAs: serverCA.pool(), MaxVersion: tls.VersionTLS11, MinVersion: tls.VersionTLS10},
	}
	attempt := func(cfg *tls.Config) error {
		conn, err := tls.Dial("tcp", addr, cfg)
		if err != nil {
			return err
		}
		defer conn.Close()
		// In TLS 1.3 the client learns of the refusal on its first read.
		conn.SetDeadline(time.Now().Add(2 * time.Second))
		if _, err := io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
			return err
		}
		_, err = conn.Read(make([]byte, 1))
		return err
	}
	for _, cfg := range clients { // warm-up: lazily started runtime goroutines
		attempt(cfg)
	}
	time.Sleep(100 * time.Millisecond)
	before := runtime.NumGoroutine()
	for i := 0; i < 10; i++ {
		for j, cfg := range clients {
			if err := attempt(cfg); err == nil {
				t.Fatalf("client %d was served", j)
			}
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after 40 refused handshakes, %d before", n, before)
	}
}
