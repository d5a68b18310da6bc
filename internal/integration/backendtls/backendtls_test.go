package backendtls

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ferrygw/ferry/internal/integration"
	"github.com/ferrygw/ferry/internal/kvm"
	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/store"
	"github.com/ferrygw/ferry/internal/store/sqlite"
)

type ca struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func newCA(t *testing.T, cn string) *ca {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return &ca{c, key}
}

func (c *ca) pem() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.cert.Raw})
}

// issue returns the certificate followed by its key, as the client entry holds them.
func (c *ca) issue(t *testing.T, cn string, usage x509.ExtKeyUsage) []byte {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{usage}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, c.cert, &key.PublicKey, c.key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	return append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb})...)
}

// backend is a local HTTPS server that demands a client certificate from
// clientCA and answers with the client's common name.
func backend(t *testing.T, serverCA, clientCA *ca) *httptest.Server {
	chain := serverCA.issue(t, "backend", x509.ExtKeyUsageServerAuth)
	pair, err := tls.X509KeyPair(chain, chain)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(clientCA.cert)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello "+r.TLS.PeerCertificates[0].Subject.CommonName)
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{pair}, ClientCAs: pool, ClientAuth: tls.RequireAndVerifyClientCert}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func newKVM(t *testing.T) *kvm.Service {
	dir := t.TempDir()
	b, err := sqlite.Open(filepath.Join(dir, "ferry.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	keys, err := kvm.OpenMasterKeys(context.Background(), kvm.KeyConfig{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return kvm.NewService(store.New(b), keys)
}

func put(t *testing.T, kv *kvm.Service, scope, key string, value []byte) {
	ctx := context.Background()
	if _, err := kv.DescribeMap(ctx, scope, MapName); err != nil {
		if _, err := kv.CreateMap(ctx, scope, MapName, true); err != nil {
			t.Fatal(err)
		}
	}
	if err := kv.Put(ctx, scope, MapName, key, value); err != nil {
		t.Fatal(err)
	}
}

// TestTwoWayTLS calls a backend that demands a client certificate, with the
// material in different scopes and entries of the map.
func TestTwoWayTLS(t *testing.T) {
	serverCA, clientCA, otherCA := newCA(t, "backend CA"), newCA(t, "client CA"), newCA(t, "other")
	srv := backend(t, serverCA, clientCA)
	host := strings.TrimPrefix(srv.URL, "https://")
	good := clientCA.issue(t, "ferry-prod", x509.ExtKeyUsageClientAuth)
	cases := []struct {
		name     string
		entries  map[string]map[string][]byte // scope → key → value
		stage    string
		insecure bool
		want     string // body, or a fragment of the error
	}{
		{"no map: system roots refuse the private CA", nil, "prod", false, "certificate signed by unknown authority"},
		{"CA only: the backend wants a client certificate", map[string]map[string][]byte{
			kvm.ScopeGlobal: {"ca": serverCA.pem()}}, "prod", false, "certificate required"},
		{"CA and client certificate in the stage's scope", map[string]map[string][]byte{
			kvm.StageScope("api1", "prod"): {"ca": serverCA.pem(), "client": good}}, "prod", false, "hello ferry-prod"},
		{"the stage's map hides the API's", map[string]map[string][]byte{
			kvm.APIScope("api1"):           {"ca": serverCA.pem(), "client": good},
			kvm.StageScope("api1", "prod"): {"ca": serverCA.pem()}}, "prod", false, "certificate required"},
		{"another stage falls back to the API's", map[string]map[string][]byte{
			kvm.APIScope("api1"):           {"ca": serverCA.pem(), "client": good},
			kvm.StageScope("api1", "prod"): {"ca": serverCA.pem()}}, "dev", false, "hello ferry-prod"},
		{"host entries win over plain ones", map[string]map[string][]byte{
			kvm.ScopeGlobal: {"ca": otherCA.pem(), host + "/ca": serverCA.pem(), "127.0.0.1/client": clientCA.issue(t, "by-host", x509.ExtKeyUsageClientAuth), "client": good}},
			"prod", false, "hello by-host"},
		// The client keeps back a certificate from a CA the backend does
		// not name as acceptable, so the backend sees none.
		{"a client certificate from a CA the backend does not trust", map[string]map[string][]byte{
			kvm.ScopeGlobal: {"ca": serverCA.pem(), "client": otherCA.issue(t, "stranger", x509.ExtKeyUsageClientAuth)}}, "prod", false, "certificate required"},
		{"insecureSkipVerification with a client certificate", map[string]map[string][]byte{
			kvm.ScopeGlobal: {"client": good}}, "prod", true, "hello ferry-prod"},
		{"wrong CA, verification on", map[string]map[string][]byte{
			kvm.ScopeGlobal: {"ca": otherCA.pem(), "client": good}}, "prod", false, "certificate signed by unknown authority"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			kv := newKVM(t)
			for scope, es := range tc.entries {
				for k, v := range es {
					put(t, kv, scope, k, v)
				}
			}
			in := &model.Integration{Type: model.IntegrationHTTP, HTTPMethod: "GET", URI: srv.URL + "/x"}
			if tc.insecure {
				in.TLSConfig = &model.TLSConfig{InsecureSkipVerification: true}
			}
			f := Wrap(integration.NewHTTP, Options{KVM: kv, Base: &http.Transport{}})
			// The pipeline hands every integration its shared transport.
			call, err := f(integration.Config{Integration: in, Where: "GET /x", APIID: "api1", Stage: tc.stage, Transport: &http.Transport{}})
			if err != nil {
				t.Fatal(err)
			}
			u, _ := url.Parse(srv.URL + "/x")
			resp, err := call(context.Background(), &integration.Request{Method: "GET", URL: u, Header: http.Header{}})
			got := ""
			if err != nil {
				got = err.Error()
				for e := err; e != nil; {
					if u, ok := e.(interface{ Unwrap() error }); ok {
						e = u.Unwrap()
						if e != nil {
							got += " | " + e.Error()
						}
						continue
					}
					break
				}
			} else {
				b := resp.Body
				if resp.Stream != nil {
					b, _ = io.ReadAll(resp.Stream)
					resp.Stream.Close()
				}
				got = string(b)
			}
			if !strings.Contains(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestBadMaterial checks that broken entries stop the integration with a
// message naming the entry and never its content.
func TestBadMaterial(t *testing.T) {
	serverCA := newCA(t, "ca")
	keyOnly := serverCA.issue(t, "x", x509.ExtKeyUsageClientAuth)
	keyOnly = keyOnly[strings.Index(string(keyOnly), "-----BEGIN EC PRIVATE KEY"):]
	cases := []struct {
		key   string
		value []byte
		want  string
	}{
		{"ca", []byte("not pem"), "backend TLS for GET /x: kvm global/ferry-backend-tls/ca holds no PEM certificate"},
		{"client", keyOnly, "backend TLS for GET /x: kvm global/ferry-backend-tls/client is not a PEM certificate chain followed by its key"},
	}
	for _, tc := range cases {
		kv := newKVM(t)
		put(t, kv, kvm.ScopeGlobal, tc.key, tc.value)
		f := Wrap(integration.NewHTTP, Options{KVM: kv})
		_, err := f(integration.Config{Integration: &model.Integration{Type: model.IntegrationHTTP, URI: "https://127.0.0.1:1/x"}, Where: "GET /x", APIID: "a", Stage: "s"})
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("error %v, want %q", err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "PRIVATE KEY") {
			t.Errorf("error shows key material: %v", err)
		}
	}
}

// TestSharedTransports checks that integrations with the same material
// share one transport, so redeploys do not pile up connection pools.
func TestSharedTransports(t *testing.T) {
	serverCA := newCA(t, "ca")
	kv := newKVM(t)
	put(t, kv, kvm.ScopeGlobal, "ca", serverCA.pem())
	base := &http.Transport{}
	w := &wrapper{opt: Options{KVM: kv}, transports: map[cacheKey]*http.Transport{}}
	var first *http.Transport
	for i := 0; i < 3; i++ {
		tr, err := w.transportFor(integration.Config{Integration: &model.Integration{URI: "https://b.example/x"}, APIID: "a", Stage: "s"}, base)
		if err != nil || tr == nil {
			t.Fatal(tr, err)
		}
		if first == nil {
			first = tr
		} else if tr != first {
			t.Fatal("same material, different transports")
		}
	}
}

type rtFunc func(*http.Request) (*http.Response, error)

func (f rtFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestForeignRoundTripper checks that a transport ferry cannot configure
// (a signing wrapper, a test double) reaches the backend unchanged.
func TestForeignRoundTripper(t *testing.T) {
	kv := newKVM(t)
	put(t, kv, kvm.ScopeGlobal, "ca", newCA(t, "ca").pem())
	var own http.RoundTripper = rtFunc(func(*http.Request) (*http.Response, error) { return nil, nil })
	var got http.RoundTripper
	next := func(cfg integration.Config) (integration.Backend, error) { got = cfg.Transport; return nil, nil }
	if _, err := Wrap(next, Options{KVM: kv})(integration.Config{Integration: &model.Integration{URI: "https://b/x"}, Transport: own}); err != nil {
		t.Fatal(err)
	}
	if _, ok := got.(rtFunc); !ok {
		t.Errorf("transport became %T", got)
	}
	shared := integration.SharedTransport()
	if _, err := Wrap(next, Options{KVM: kv})(integration.Config{Integration: &model.Integration{URI: "https://b/x"}, Transport: shared}); err != nil {
		t.Fatal(err)
	}
	if tr, ok := got.(*http.Transport); !ok || tr == shared || tr.TLSClientConfig == nil || tr.TLSClientConfig.RootCAs == nil {
		t.Errorf("the shared transport was not given the map's CA: %T", got)
	}
}
