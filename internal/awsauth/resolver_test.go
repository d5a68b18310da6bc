package awsauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/ferrygw/ferry/internal/kvm"
	"github.com/ferrygw/ferry/internal/store"
	"github.com/ferrygw/ferry/internal/store/storetest"
	"github.com/ferrygw/ferry/internal/testenv"
)

const (
	roleWithExternalID = "arn:aws:iam::123456789012:role/ferry-s3"
	roleOpen           = "arn:aws:iam::123456789012:role/ferry-open"
	externalID         = "ext-7c1f"
)

// baseWith stands in for LoadDefaultConfig: the default chain holds creds.
func baseWith(region string, creds aws.CredentialsProvider) Option {
	return WithBaseConfig(func(context.Context) (aws.Config, error) {
		return aws.Config{Region: region, Credentials: creds, RetryMaxAttempts: 1}, nil
	})
}

// stsWorld is MinIO behind an STS front that checks roles and external
// ids, with the front's URL given to ferry as AWS_ENDPOINT_URL_STS.
type stsWorld struct {
	minio *testenv.MinIOServer
	front *testenv.AWSFront
	env   func(string) string
}

func newSTSWorld(t *testing.T) *stsWorld {
	m := testenv.MinIO(t)
	reg := testenv.NewCredentials(map[string]testenv.Cred{m.AccessKey: {SecretKey: m.SecretKey}})
	f := testenv.NewAWSFront(t, testenv.FrontConfig{Upstream: m.Endpoint, Service: "sts", Registry: reg,
		Roles: map[string]string{roleWithExternalID: externalID, roleOpen: ""}})
	w := &stsWorld{minio: m, front: f}
	w.env = envOf(map[string]string{"AWS_ENDPOINT_URL_STS": f.URL})
	root := aws.Credentials{AccessKeyID: m.AccessKey, SecretAccessKey: m.SecretKey}
	waitMinIO(t, func() (int, string) { return s3Call(t, m, root, "PUT", "/assumed", nil, false) })
	return w
}

func (w *stsWorld) assumeCalls() int {
	n := 0
	for _, r := range w.front.Requests() {
		if strings.Contains(string(r.Body), "Action=AssumeRole") {
			n++
		}
	}
	return n
}

func TestAssumeRoleThroughSTSFront(t *testing.T) {
	w := newSTSWorld(t)
	ctx := context.Background()
	rootCreds := credentials.NewStaticCredentialsProvider(w.minio.AccessKey, w.minio.SecretKey, "")
	r, err := NewResolver(Config{Region: "us-east-1", Roles: []RoleConfig{{
		ARN: roleWithExternalID, ExternalID: externalID, SessionName: "ferry-test", DurationSeconds: 900,
	}}}, nil, WithGetenv(w.env), baseWith("us-east-1", rootCreds))
	if err != nil {
		t.Fatal(err)
	}

	// Many requests at once share one AssumeRole call.
	const n = 24
	var wg sync.WaitGroup
	got := make([]aws.Credentials, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = r.Retrieve(ctx, roleWithExternalID, Where{APIID: "a1", Stage: "prod"})
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("Retrieve %d: %v", i, errs[i])
		}
		if got[i].AccessKeyID != got[0].AccessKeyID {
			t.Fatalf("Retrieve %d got other credentials", i)
		}
	}
	if c := w.assumeCalls(); c != 1 {
		t.Fatalf("%d AssumeRole calls for %d concurrent retrievals, want 1", c, n)
	}
	if got[0].SessionToken == "" || !got[0].CanExpire || got[0].AccessKeyID == w.minio.AccessKey {
		t.Fatalf("not temporary credentials: expires %v, token set %v", got[0].CanExpire, got[0].SessionToken != "")
	}
	if left := time.Until(got[0].Expires); left < 10*time.Minute || left > 16*time.Minute {
		t.Fatalf("credentials expire in %s, want the configured 900s", left)
	}
	// The front saw the configured session name; it checked the external id.
	body := string(w.front.Requests()[0].Body)
	if !strings.Contains(body, "RoleSessionName=ferry-test") || !strings.Contains(body, "DurationSeconds=900") {
		t.Fatalf("AssumeRole body %q lacks the configured session name or duration", body)
	}

	// MinIO verifies a call signed with the assumed credentials.
	code, resp := s3Call(t, w.minio, got[0], "PUT", "/assumed/by-role.txt", []byte("assumed"), false)
	if code != 200 {
		t.Fatalf("PutObject with assumed credentials: %d %s", code, resp)
	}
	bad := got[0]
	bad.SecretAccessKey += "x"
	if code, resp := s3Call(t, w.minio, bad, "GET", "/assumed/by-role.txt", nil, false); code != http.StatusForbidden {
		t.Fatalf("wrong secret of assumed credentials: %d %s, want 403", code, resp)
	}
}

func TestAssumeRoleRefusals(t *testing.T) {
	w := newSTSWorld(t)
	ctx := context.Background()
	rootCreds := credentials.NewStaticCredentialsProvider(w.minio.AccessKey, w.minio.SecretKey, "")
	tests := []struct {
		name string
		role RoleConfig
		want string
	}{
		{"wrong external id", RoleConfig{ARN: roleWithExternalID, ExternalID: "guess"}, "AccessDenied"},
		{"missing external id", RoleConfig{ARN: roleWithExternalID}, "AccessDenied"},
		{"unknown role", RoleConfig{ARN: "arn:aws:iam::123456789012:role/other"}, "AccessDenied"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewResolver(Config{Region: "us-east-1", Roles: []RoleConfig{tt.role}}, nil,
				WithGetenv(w.env), baseWith("us-east-1", rootCreds))
			if err != nil {
				t.Fatal(err)
			}
			_, err = r.Retrieve(ctx, tt.role.ARN, Where{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %s", err, tt.want)
			}
			if tt.role.ExternalID != "" && strings.Contains(err.Error(), tt.role.ExternalID) {
				t.Fatalf("error repeats the external id: %v", err)
			}
		})
	}
	// A wrong source secret is refused by the front before MinIO.
	r, _ := NewResolver(Config{Region: "us-east-1"}, nil, WithGetenv(w.env),
		baseWith("us-east-1", credentials.NewStaticCredentialsProvider(w.minio.AccessKey, "wrong", "")))
	if _, err := r.Retrieve(ctx, roleOpen, Where{}); err == nil || !strings.Contains(err.Error(), "SignatureDoesNotMatch") {
		t.Fatalf("wrong source secret: %v, want SignatureDoesNotMatch", err)
	}
}

// newKVM returns a kvm service over the in-memory store with one
// encrypted map "aws" in each of the given scopes.
func newKVM(t *testing.T, scopes ...string) *kvm.Service {
	t.Helper()
	keys, err := kvm.OpenMasterKeys(context.Background(), kvm.KeyConfig{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	s := kvm.NewService(store.New(storetest.NewMemory()), keys)
	for _, scope := range scopes {
		if _, err := s.CreateMap(context.Background(), scope, "aws", true); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func processJSON(akid, secret string) []byte {
	return []byte(fmt.Sprintf(`{"Version":1,"AccessKeyId":%q,"SecretAccessKey":%q}`, akid, secret))
}

func TestRoleWithKVMSourceCredentials(t *testing.T) {
	w := newSTSWorld(t)
	ctx := context.Background()
	kv := newKVM(t, kvm.ScopeGlobal)
	if err := kv.Put(ctx, kvm.ScopeGlobal, "aws", "root", processJSON(w.minio.AccessKey, w.minio.SecretKey)); err != nil {
		t.Fatal(err)
	}
	// The default chain has nothing: the source must come from the map.
	r, err := NewResolver(Config{Region: "us-east-1", Roles: []RoleConfig{{ARN: roleOpen, SourceCredentials: "kvm:aws/root"}}},
		kv, WithGetenv(w.env), baseWith("us-east-1", nil))
	if err != nil {
		t.Fatal(err)
	}
	c, err := r.Retrieve(ctx, roleOpen, Where{})
	if err != nil {
		t.Fatal(err)
	}
	if code, resp := s3Call(t, w.minio, c, "PUT", "/assumed/from-kvm.txt", []byte("x"), false); code != 200 {
		t.Fatalf("PutObject: %d %s", code, resp)
	}
	if w.front.Requests()[0].AccessKey != w.minio.AccessKey {
		t.Fatalf("AssumeRole signed by %s, want the kvm entry's key", w.front.Requests()[0].AccessKey)
	}
}

// countingSTS answers AssumeRole with credentials that expire after
// lifetime, counting calls; slow makes concurrent callers overlap.
func countingSTS(t *testing.T, lifetime, slow time.Duration) (*httptest.Server, *atomic.Int64) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		time.Sleep(slow)
		exp := time.Now().Add(lifetime).UTC().Format(time.RFC3339)
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprintf(w, `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
<Credentials><AccessKeyId>ASIA%04d</AccessKeyId><SecretAccessKey>s%d</SecretAccessKey><SessionToken>t%d</SessionToken><Expiration>%s</Expiration></Credentials>
<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/r/ferry</Arn><AssumedRoleId>AROA:ferry</AssumedRoleId></AssumedRoleUser>
</AssumeRoleResult><ResponseMetadata><RequestId>r%d</RequestId></ResponseMetadata></AssumeRoleResponse>`, n, n, n, exp, n)
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func TestAssumedCredentialsRefreshBeforeExpiry(t *testing.T) {
	ctx := context.Background()
	src := credentials.NewStaticCredentialsProvider("AKIDSOURCE", "source-secret", "")
	tests := []struct {
		name      string
		lifetime  time.Duration
		wantCalls int64
	}{
		// Inside the five-minute window: every retrieval refreshes.
		{"expiring soon", 4 * time.Minute, 3},
		// Well before the window: one call serves them all.
		{"fresh", time.Hour, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, calls := countingSTS(t, tt.lifetime, 0)
			r, err := NewResolver(Config{Region: "us-east-1"}, nil,
				WithGetenv(envOf(map[string]string{"AWS_ENDPOINT_URL_STS": srv.URL})), baseWith("us-east-1", src))
			if err != nil {
				t.Fatal(err)
			}
			for range 3 {
				if _, err := r.Retrieve(ctx, roleOpen, Where{}); err != nil {
					t.Fatal(err)
				}
			}
			if got := calls.Load(); got != tt.wantCalls {
				t.Fatalf("%d AssumeRole calls, want %d", got, tt.wantCalls)
			}
		})
	}

	t.Run("concurrent refresh collapses", func(t *testing.T) {
		srv, calls := countingSTS(t, time.Hour, 150*time.Millisecond)
		r, _ := NewResolver(Config{Region: "us-east-1"}, nil,
			WithGetenv(envOf(map[string]string{"AWS_ENDPOINT_URL_STS": srv.URL})), baseWith("us-east-1", src))
		var wg sync.WaitGroup
		for range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := r.Retrieve(ctx, roleOpen, Where{}); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if got := calls.Load(); got != 1 {
			t.Fatalf("%d AssumeRole calls for 40 concurrent retrievals, want 1", got)
		}
	})
}

func TestKVMCredentials(t *testing.T) {
	ctx := context.Background()
	kv := newKVM(t, kvm.ScopeGlobal, kvm.APIScope("a1"), kvm.StageScope("a1", "prod"))
	put := func(scope, key string, v []byte) {
		t.Helper()
		if err := kv.Put(ctx, scope, "aws", key, v); err != nil {
			t.Fatal(err)
		}
	}
	put(kvm.ScopeGlobal, "shared", processJSON("AKIDGLOBAL", "global-secret"))
	put(kvm.APIScope("a1"), "shared", processJSON("AKIDAPI", "api-secret"))
	put(kvm.StageScope("a1", "prod"), "shared", processJSON("AKIDSTAGE", "stage-secret"))
	put(kvm.ScopeGlobal, "broken", []byte(`{"Version":1,"AccessKeyId":"AKIDBROKEN","SecretAccessKey":""}`))
	put(kvm.ScopeGlobal, "garbage", []byte(`hunter2-not-json`))

	r, err := NewResolver(Config{Region: "us-east-1"}, kv)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, ref string
		where     Where
		wantKey   string
		wantErr   string
	}{
		{"stage wins", "kvm:aws/shared", Where{APIID: "a1", Stage: "prod"}, "AKIDSTAGE", ""},
		{"api next", "kvm:aws/shared", Where{APIID: "a1", Stage: "dev"}, "AKIDAPI", ""},
		{"global last", "kvm:aws/shared", Where{APIID: "other", Stage: "prod"}, "AKIDGLOBAL", ""},
		{"missing entry", "kvm:aws/nope", Where{APIID: "a1", Stage: "prod"}, "", "kvm:aws/nope: no such entry"},
		{"missing map", "kvm:other/shared", Where{}, "", "no such entry"},
		{"empty secret", "kvm:aws/broken", Where{}, "", "kvm:aws/broken in global: SecretAccessKey is missing or empty"},
		{"not json", "kvm:aws/garbage", Where{}, "", "kvm:aws/garbage in global: not credential_process JSON"},
		{"caller credentials", "arn:aws:iam::*:user/*", Where{}, "", "caller credentials are not supported yet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := r.Retrieve(ctx, tt.ref, tt.where)
			verr := r.ValidateCredentialsRef(ctx, tt.ref, tt.where)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Retrieve err = %v, want %q", err, tt.wantErr)
				}
				if verr == nil || !strings.Contains(verr.Error(), tt.wantErr) {
					t.Fatalf("ValidateCredentialsRef err = %v, want %q", verr, tt.wantErr)
				}
				if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "secret") && strings.Contains(err.Error(), "-secret") {
					t.Fatalf("error leaks a secret: %v", err)
				}
				return
			}
			if err != nil || verr != nil {
				t.Fatalf("Retrieve: %v; Validate: %v", err, verr)
			}
			if c.AccessKeyID != tt.wantKey {
				t.Fatalf("got %s, want %s", c.AccessKeyID, tt.wantKey)
			}
		})
	}

	// A corrected entry takes effect on the next request.
	put(kvm.ScopeGlobal, "broken", processJSON("AKIDFIXED", "fixed-secret"))
	if c, err := r.Retrieve(ctx, "kvm:aws/broken", Where{}); err != nil || c.AccessKeyID != "AKIDFIXED" {
		t.Fatalf("after fixing the entry: %v, %v", c.AccessKeyID, err)
	}
	// No KVM configured at all.
	r2, _ := NewResolver(Config{}, nil)
	if _, err := r2.Retrieve(ctx, "kvm:aws/shared", Where{}); err == nil || !strings.Contains(err.Error(), "key-value maps are not available") {
		t.Fatalf("without kvm: %v", err)
	}
}

func TestDefaultChain(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDFROMENV")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", t.TempDir()+"/none")
	// AWS_CA_BUNDLE stays as the machine sets it: the default loader must
	// cope with it (a bare http.Client would make it fail).
	r, err := NewResolver(Config{Region: "eu-west-1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := r.Retrieve(context.Background(), "", Where{})
	if err != nil {
		t.Fatal(err)
	}
	if c.AccessKeyID != "AKIDFROMENV" || c.SecretAccessKey != "env-secret" {
		t.Fatalf("default chain gave %s", c.AccessKeyID)
	}

	failing := WithBaseConfig(func(context.Context) (aws.Config, error) { return aws.Config{}, errors.New("no profile") })
	r, _ = NewResolver(Config{}, nil, failing)
	if _, err := r.Retrieve(context.Background(), "", Where{}); err == nil || !strings.Contains(err.Error(), "load the SDK's default configuration") {
		t.Fatalf("failing loader: %v", err)
	}
}

// TestKMSClientEndpoint checks that the KMS client for the master-key
// envelope goes where the endpoint overrides say, signed for KMS.
func TestKMSClientEndpoint(t *testing.T) {
	var got *http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(400)
		fmt.Fprint(w, `{"__type":"NotFoundException","message":"no such key"}`)
	}))
	defer srv.Close()
	r, err := NewResolver(Config{Region: "eu-central-1"}, nil,
		WithGetenv(envOf(map[string]string{"AWS_ENDPOINT_URL_KMS": srv.URL})),
		baseWith("", credentials.NewStaticCredentialsProvider("AKIDKMS", "kms-secret", "")))
	if err != nil {
		t.Fatal(err)
	}
	c, err := r.KMSClient(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Decrypt(context.Background(), &kms.DecryptInput{CiphertextBlob: []byte("x")})
	if err == nil || !strings.Contains(err.Error(), "NotFoundException") {
		t.Fatalf("Decrypt: %v, want the server's NotFoundException", err)
	}
	if got == nil || got.Header.Get("X-Amz-Target") != "TrentService.Decrypt" ||
		!strings.Contains(got.Header.Get("Authorization"), "/eu-central-1/kms/aws4_request") {
		t.Fatalf("request %v did not reach the override as a signed KMS call", got)
	}
}
