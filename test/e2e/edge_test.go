package e2e

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// whoAmI is a MOCK API that answers with what the gateway knows of its
// caller; the resource policy and ip filter are filled in per test.
const whoAmI = `openapi: 3.0.1
info: {title: edge, version: "1"}
%s
paths:
  /who:
    get:
      responses: {"200": {description: ok}}
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: {application/json: '{"statusCode": 200}'}
        responses:
          default:
            statusCode: "200"
            responseTemplates:
              application/json: '{"sourceIp": "$context.identity.sourceIp", "subjectDN": "$context.identity.clientCert.subjectDN", "serial": "$context.identity.clientCert.serialNumber"}'
    post:
      responses: {"200": {description: ok}}
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: {application/json: '{"statusCode": 200}'}
        responses: {default: {statusCode: "200"}}
`

type who struct{ SourceIP, SubjectDN, Serial string }

// edgeCA issues the certificates of one test.
type edgeCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func newEdgeCA(t *testing.T, name string) *edgeCA {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return &edgeCA{cert: c, key: key}
}

func (ca *edgeCA) pem() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.cert.Raw})
}

// issue returns certificate and key PEM; client picks the key usage.
func (ca *edgeCA) issue(t *testing.T, cn string, client bool, notAfter time.Time) (certPEM, keyPEM []byte, serial *big.Int) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	serial = big.NewInt(time.Now().UnixNano())
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: cn, Organization: []string{"edge"}},
		NotBefore: notAfter.Add(-48 * time.Hour), NotAfter: notAfter, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}}
	if client {
		tmpl.ExtKeyUsage, tmpl.IPAddresses = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, nil
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), serial
}

func replaceFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path+".new", b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path+".new", path); err != nil {
		t.Fatal(err)
	}
}

func getWho(t *testing.T, c *http.Client, url string) (int, who, string, error) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		return 0, who{}, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var w who
	if resp.StatusCode == 200 {
		if err := json.Unmarshal(b, &w); err != nil {
			t.Fatalf("body %s: %v", b, err)
		}
	}
	return resp.StatusCode, w, string(b), nil
}

// TestEdgeMutualTLS serves an API over mutual TLS from ferry.yaml: a valid
// client certificate reaches the mapping template, expired, foreign and
// missing ones are refused at the handshake, and replacing the server
// certificate's files switches new connections to it without a restart.
func TestEdgeMutualTLS(t *testing.T) {
	dir := t.TempDir()
	serverCA, clientCA, otherCA := newEdgeCA(t, "server CA"), newEdgeCA(t, "client CA"), newEdgeCA(t, "other CA")
	sc, sk, _ := serverCA.issue(t, "gateway-1", false, time.Now().Add(24*time.Hour))
	p := func(n string) string { return filepath.Join(dir, n) }
	replaceFile(t, p("server.pem"), sc)
	replaceFile(t, p("server.key"), sk)
	replaceFile(t, p("clients.pem"), clientCA.pem())
	f := startFerryWith(t, serveOptions{config: fmt.Sprintf("tls:\n  cert: %s\n  key: %s\n  clientCA: %s\n", p("server.pem"), p("server.key"), p("clients.pem"))})
	id := importAndDeploy(t, f, writeFile(t, "who.yaml", fmt.Sprintf(whoAmI, "")), "prod")
	url := strings.Replace(f.Data, "http://", "https://", 1) + "/restapis/" + id + "/prod/_user_request_/who"

	roots := x509.NewCertPool()
	roots.AddCert(serverCA.cert)
	clientWith := func(certPEM, keyPEM []byte) *http.Client {
		cfg := &tls.Config{RootCAs: roots}
		if certPEM != nil {
			pair, err := tls.X509KeyPair(certPEM, keyPEM)
			if err != nil {
				t.Fatal(err)
			}
			cfg.Certificates = []tls.Certificate{pair}
		}
		return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: cfg}}
	}
	gc, gk, gserial := clientCA.issue(t, "alice", true, time.Now().Add(24*time.Hour))
	good := clientWith(gc, gk)
	status, w, body, err := getWho(t, good, url)
	if err != nil || status != 200 {
		t.Fatalf("valid client: %d %s %v", status, body, err)
	}
	if w.SubjectDN != "CN=alice,O=edge" || w.SourceIP != "127.0.0.1" || strings.ReplaceAll(w.Serial, ":", "") != fmt.Sprintf("%x", gserial.Bytes()) {
		t.Errorf("valid client: $context.identity = %+v (serial %x)", w, gserial.Bytes())
	}

	ec, ek, _ := clientCA.issue(t, "bob", true, time.Now().Add(-time.Hour))
	oc, ok, _ := otherCA.issue(t, "mallory", true, time.Now().Add(24*time.Hour))
	for _, bad := range []struct {
		name string
		c    *http.Client
	}{
		{"no certificate", clientWith(nil, nil)},
		{"expired certificate", clientWith(ec, ek)},
		{"certificate from another CA", clientWith(oc, ok)},
	} {
		if status, _, body, err := getWho(t, bad.c, url); err == nil {
			t.Errorf("%s: answered %d %s, want the handshake refused", bad.name, status, body)
		}
	}

	// A keep-alive connection opened before the reload keeps working.
	sc2, sk2, serial2 := serverCA.issue(t, "gateway-2", false, time.Now().Add(24*time.Hour))
	replaceFile(t, p("server.key"), sk2)
	replaceFile(t, p("server.pem"), sc2)
	deadline := time.Now().Add(10 * time.Second)
	for {
		conn, err := tls.Dial("tcp", strings.TrimPrefix(f.Data, "http://"), &tls.Config{RootCAs: roots, Certificates: good.Transport.(*http.Transport).TLSClientConfig.Certificates})
		if err == nil {
			got := conn.ConnectionState().PeerCertificates[0].SerialNumber
			conn.Close()
			if got.Cmp(serial2) == 0 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the new server certificate was not served within 10s (last error %v)", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if status, _, body, err := getWho(t, good, url); err != nil || status != 200 {
		t.Errorf("after the reload: %d %s %v", status, body, err)
	}
	if !f.waitLog("TLS certificates reloaded") {
		t.Error("the reload was not logged")
	}
}

// boundClient sends from a given loopback address, as a caller on another
// host would appear.
func boundClient(t *testing.T, from string) *http.Client {
	t.Helper()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 5 * time.Second}
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true}}
}

// TestEdgeSourceAddress shows allow, deny and trusted-proxy cases with real
// source addresses: a resource policy allowing 127.0.0.2 and 127.0.0.3, the
// ip filter denying 127.0.0.3 on prod, and 127.0.0.4 a trusted proxy.
func TestEdgeSourceAddress(t *testing.T) {
	const top = `x-amazon-apigateway-policy:
  Version: "2012-10-17"
  Statement:
    - Effect: Allow
      Principal: "*"
      Action: execute-api:Invoke
      Resource: execute-api:/*
      Condition: {IpAddress: {aws:SourceIp: ["127.0.0.2/32", "127.0.0.3"]}}
    - Effect: Deny
      Principal: "*"
      Action: execute-api:Invoke
      Resource: execute-api:/*/DELETE/*
x-ferry-ip-filter:
  stages:
    prod: {deny: [127.0.0.3]}`
	f := startFerryWith(t, serveOptions{config: "trustedProxies: [127.0.0.4]\naws: {region: eu-west-1}\n"})
	id := importAndDeploy(t, f, writeFile(t, "who.yaml", fmt.Sprintf(whoAmI, top)), "prod")

	// A policy ferry cannot evaluate faithfully is refused at import.
	bad := strings.Replace(top, "IpAddress: {aws:SourceIp:", "StringEquals: {aws:SourceVpce:", 1)
	if _, stderr, err := f.tryCLI("import", writeFile(t, "bad.yaml", fmt.Sprintf(whoAmI, bad))); err == nil ||
		!strings.Contains(stderr, `Condition operator "StringEquals" is not supported`) {
		t.Errorf("import of an unsupported condition: %v %s", err, stderr)
	}
	f.cli("deploy", id, "--stage", "dev")
	url := func(stage string) string { return f.Data + "/restapis/" + id + "/" + stage + "/_user_request_/who" }
	resource := "arn:aws:execute-api:eu-west-1:********0000:" + id + "/prod/GET/who"
	cases := []struct {
		name, from, stage, xff string
		status                 int
		want                   string // sourceIp, or the refusal's message
	}{
		{"allowed address", "127.0.0.2", "prod", "", 200, "127.0.0.2"},
		{"address the policy does not allow", "127.0.0.5", "prod", "", 403,
			"User: anonymous is not authorized to perform: execute-api:Invoke on resource: " + resource},
		{"denied by the stage's ip filter", "127.0.0.3", "prod", "", 403,
			"User: anonymous is not authorized to perform: execute-api:Invoke on resource: " + resource + " with an explicit deny"},
		{"the filter is per stage", "127.0.0.3", "dev", "", 200, "127.0.0.3"},
		{"trusted proxy forwarding an allowed client", "127.0.0.4", "prod", "127.0.0.2", 200, "127.0.0.2"},
		{"trusted proxy forwarding a stranger", "127.0.0.4", "prod", "127.0.0.9", 403,
			"User: anonymous is not authorized to perform: execute-api:Invoke on resource: " + resource},
		{"untrusted client claiming an allowed address", "127.0.0.5", "prod", "127.0.0.2", 403,
			"User: anonymous is not authorized to perform: execute-api:Invoke on resource: " + resource},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", url(tc.stage), nil)
			if tc.xff != "" {
				req.Header.Set("X-Forwarded-For", tc.xff)
			}
			resp, err := boundClient(t, tc.from).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d %s, want %d", resp.StatusCode, b, tc.status)
			}
			var got struct{ SourceIP, Message string }
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatalf("%s: %v", b, err)
			}
			if tc.status == 200 && got.SourceIP != tc.want || tc.status == 403 && got.Message != strings.Replace(tc.want, "/prod/", "/"+tc.stage+"/", 1) {
				t.Errorf("body %s, want %q", b, tc.want)
			}
		})
	}
}

// TestEdgeSlowClient holds a connection by sending its head one byte per
// second: ferry cuts it at limits.readHeaderTimeout and answers others meanwhile.
func TestEdgeSlowClient(t *testing.T) {
	f := startFerryWith(t, serveOptions{config: "limits:\n  readHeaderTimeout: 2s\n  maxHeaderBytes: 8192\n"})
	id := importAndDeploy(t, f, writeFile(t, "who.yaml", fmt.Sprintf(whoAmI, "")), "prod")
	conn, err := net.Dial("tcp", strings.TrimPrefix(f.Data, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	cut := make(chan time.Duration, 1)
	go func() {
		head := "GET /restapis/" + id + "/prod/_user_request_/who HTTP/1.1\r\nHost: x\r\nX-Slow: " + strings.Repeat("z", 30)
		for i := 0; i < len(head); i++ {
			if _, err := conn.Write([]byte{head[i]}); err != nil {
				break
			}
			time.Sleep(time.Second)
		}
		cut <- time.Since(start)
	}()
	for i := 0; i < 5; i++ {
		resp, _ := f.call("GET", id, "prod", "/who", nil, nil)
		if resp.StatusCode != 200 {
			t.Fatalf("call %d while a slow client holds a connection: %d", i, resp.StatusCode)
		}
		time.Sleep(300 * time.Millisecond)
	}
	select {
	case d := <-cut:
		if d > 8*time.Second {
			t.Errorf("slow client cut after %v, want about 2s", d)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the slow client was never cut off")
	}
	// A head over maxHeaderBytes is refused with 431.
	resp, _ := f.call("GET", id, "prod", "/who", nil, map[string]string{"X-Big": strings.Repeat("b", 20000)})
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("huge head: %d", resp.StatusCode)
	}
}

// TestEdgeBackendMutualTLS sends an HTTP_PROXY integration to a local HTTPS
// backend that demands a client certificate: refused while ferry has only
// the system roots, served once the ferry-backend-tls map holds the
// backend's CA and ferry's client certificate and the stage is redeployed.
func TestEdgeBackendMutualTLS(t *testing.T) {
	serverCA, clientCA := newEdgeCA(t, "backend CA"), newEdgeCA(t, "ferry client CA")
	sc, sk, _ := serverCA.issue(t, "backend", false, time.Now().Add(time.Hour))
	pair, err := tls.X509KeyPair(sc, sk)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(clientCA.cert)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{pair}, ClientCAs: pool, ClientAuth: tls.RequireAndVerifyClientCert})
	if err != nil {
		t.Fatal(err)
	}
	backend := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"client": %q, "path": %q}`, r.TLS.PeerCertificates[0].Subject.CommonName, r.URL.Path)
	}), ErrorLog: log.New(io.Discard, "", 0)}
	go backend.Serve(ln)
	t.Cleanup(func() { backend.Close() })

	f := startFerry(t, "")
	api := fmt.Sprintf(`openapi: 3.0.1
info: {title: backend-mtls, version: "1"}
paths:
  /{proxy+}:
    x-amazon-apigateway-any-method:
      parameters: [{name: proxy, in: path, required: true, schema: {type: string}}]
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: ANY
        uri: https://%s/{proxy}
        requestParameters: {integration.request.path.proxy: method.request.path.proxy}
`, ln.Addr())
	id := importAndDeploy(t, f, writeFile(t, "backend.yaml", api), "prod")
	resp, body := f.call("GET", id, "prod", "/orders/7", nil, nil)
	if resp.StatusCode < 500 {
		t.Fatalf("without the backend's CA: %d %s, want a 5xx", resp.StatusCode, body)
	}

	cc, ck, _ := clientCA.issue(t, "ferry-gateway", true, time.Now().Add(time.Hour))
	f.cli("kvm", "create", "ferry-backend-tls", "--encrypted", "--scope", "stage:"+id+"/prod")
	f.putSecretIn("stage:"+id+"/prod", "ferry-backend-tls", "ca", string(serverCA.pem()))
	f.putSecretIn("stage:"+id+"/prod", "ferry-backend-tls", "client", string(cc)+string(ck))
	f.cli("deploy", id, "--stage", "prod")
	resp, body = f.call("GET", id, "prod", "/orders/7", nil, nil)
	if resp.StatusCode != 200 || body != `{"client": "ferry-gateway", "path": "/orders/7"}` {
		t.Fatalf("with the map: %d %s", resp.StatusCode, body)
	}
	if strings.Contains(f.logs.String(), "PRIVATE KEY") {
		t.Error("the client key reached the log")
	}
}

// putSecretIn stores value in an entry of a map in scope, through a file.
func (f *ferry) putSecretIn(scope, mapName, key, value string) {
	f.t.Helper()
	p := filepath.Join(f.t.TempDir(), "value")
	if err := os.WriteFile(p, []byte(value), 0o600); err != nil {
		f.t.Fatal(err)
	}
	f.cli("kvm", "put", mapName, key, "--from-file", p, "--scope", scope)
}

// TestEdgeBadInput sends the edge's bad-input rows to a real ferry serve:
// each gets a clear answer, and ferry keeps serving afterwards.
func TestEdgeBadInput(t *testing.T) {
	f := startFerry(t, "")
	id := importAndDeploy(t, f, writeFile(t, "who.yaml", fmt.Sprintf(whoAmI, "")), "prod")
	addr := strings.TrimPrefix(f.Data, "http://")
	target := "/restapis/" + id + "/prod/_user_request_/who"
	cases := []struct {
		name, head string
		body       io.Reader
		length     int64
		status     int
		message    string
	}{
		{"URL over 8 KB", "GET " + target + "?q=" + strings.Repeat("q", 9000) + " HTTP/1.1\r\nHost: x\r\n", nil, 0, 414, "Request-URI Too Long"},
		{"head of 2 MB", "GET " + target + " HTTP/1.1\r\nHost: x\r\nX-Huge: " + strings.Repeat("h", 2<<20) + "\r\n", nil, 0, 431, ""},
		{"CR inside a header value", "GET " + target + " HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n", nil, 0, 400, ""},
		{"11 MB body", "POST " + target + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n", strings.NewReader(strings.Repeat("b", 11<<20)), 11 << 20, 413, "Request Too Long"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(20 * time.Second))
			head := tc.head
			if tc.body != nil {
				head += fmt.Sprintf("Content-Length: %d\r\n", tc.length)
			}
			go func() {
				io.WriteString(conn, head+"\r\n")
				if tc.body != nil {
					io.Copy(conn, tc.body)
				}
			}()
			resp, err := http.ReadResponse(bufioReader(conn), nil)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status || !strings.Contains(string(b), tc.message) {
				t.Errorf("%d %.200s, want %d %q", resp.StatusCode, b, tc.status, tc.message)
			}
		})
	}
	if resp, body := f.call("GET", id, "prod", "/who", nil, nil); resp.StatusCode != 200 {
		t.Errorf("after the bad input: %d %s", resp.StatusCode, body)
	}
}

func bufioReader(c net.Conn) *bufio.Reader { return bufio.NewReader(c) }

// TestEdgeDomainTruststores configures tls.domains in ferry.yaml: the
// partner domain demands certificates from its own CA, while the default
// certificate serves everyone else without mutual TLS.
func TestEdgeDomainTruststores(t *testing.T) {
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	serverCA, partnerCA := newEdgeCA(t, "server CA"), newEdgeCA(t, "partner CA")
	dc, dk, defSerial := serverCA.issue(t, "default", false, time.Now().Add(time.Hour))
	pc, pk, partnerSerial := serverCA.issue(t, "partner.example.test", false, time.Now().Add(time.Hour))
	replaceFile(t, p("default.pem"), dc)
	replaceFile(t, p("default.key"), dk)
	replaceFile(t, p("partner.pem"), pc)
	replaceFile(t, p("partner.key"), pk)
	replaceFile(t, p("partner-ca.pem"), partnerCA.pem())
	f := startFerryWith(t, serveOptions{config: fmt.Sprintf(`tls:
  cert: %s
  key: %s
  domains:
    - domainName: partner.example.test
      cert: %s
      key: %s
      clientCA: %s
`, p("default.pem"), p("default.key"), p("partner.pem"), p("partner.key"), p("partner-ca.pem"))})
	id := importAndDeploy(t, f, writeFile(t, "who.yaml", fmt.Sprintf(whoAmI, "")), "prod")
	addr := strings.TrimPrefix(f.Data, "http://")
	roots := x509.NewCertPool()
	roots.AddCert(serverCA.cert)
	// The test certificates name no host, so the check is done here: the
	// chain must verify and the serial must be the domain's.
	call := func(serverName string, cert []tls.Certificate, wantSerial *big.Int) (int, string, error) {
		cfg := &tls.Config{ServerName: serverName, Certificates: cert, InsecureSkipVerify: true,
			VerifyConnection: func(cs tls.ConnectionState) error {
				leaf := cs.PeerCertificates[0]
				if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots}); err != nil {
					return err
				}
				if leaf.SerialNumber.Cmp(wantSerial) != 0 {
					return fmt.Errorf("served certificate %s, want %s", leaf.SerialNumber, wantSerial)
				}
				return nil
			}}
		c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: cfg}}
		status, w, _, err := getWho(t, c, "https://"+addr+"/restapis/"+id+"/prod/_user_request_/who")
		return status, w.SubjectDN, err
	}
	if status, _, err := call("", nil, defSerial); err != nil || status != 200 {
		t.Errorf("default certificate without a client certificate: %d %v", status, err)
	}
	if _, _, err := call("partner.example.test", nil, partnerSerial); err == nil {
		t.Error("the partner domain served a client without a certificate")
	}
	ppem, pkey, _ := partnerCA.issue(t, "partner-client", true, time.Now().Add(time.Hour))
	pair, err := tls.X509KeyPair(ppem, pkey)
	if err != nil {
		t.Fatal(err)
	}
	status, subject, err := call("partner.example.test", []tls.Certificate{pair}, partnerSerial)
	if err != nil || status != 200 || subject != "CN=partner-client,O=edge" {
		t.Errorf("partner with its certificate: %d %q %v", status, subject, err)
	}
}
