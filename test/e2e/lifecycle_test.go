package e2e

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

func sleepBriefly() { time.Sleep(100 * time.Millisecond) }

// versioned is a MOCK API whose answer names its version.
func versioned(t *testing.T, v string) string {
	return writeFile(t, "api-"+v+".yaml", fmt.Sprintf(`openapi: 3.0.1
info: {title: versioned, version: "%[1]s"}
paths:
  /v:
    get:
      responses: {"200": {description: ok}}
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: {application/json: '{"statusCode": 200}'}
        responses:
          default:
            statusCode: "200"
            responseTemplates: {application/json: '{"version": "%[1]s", "color": "$stageVariables.color"}'}
`, v))
}

func TestRedeployUnderLoadThenRollBack(t *testing.T) {
	f := startFerry(t, "")
	id := strings.TrimSpace(f.cli("import", versioned(t, "v1")))
	first := strings.TrimSpace(f.cli("deploy", id, "--stage", "live", "--stage-var", "color=blue"))

	var ok, failed atomic.Int64
	var failures sync.Map
	stop := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 10 * time.Second}
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := client.Get(fmt.Sprintf("%s/restapis/%s/live/_user_request_/v", f.Data, id))
				if err != nil {
					failed.Add(1)
					failures.Store(err.Error(), true)
					continue
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || !strings.Contains(string(b), `"color": "blue"`) {
					failed.Add(1)
					failures.Store(fmt.Sprintf("%d %s", resp.StatusCode, b), true)
					continue
				}
				ok.Add(1)
			}
		}()
	}
	for i := 0; i < 10; i++ {
		v := []string{"v1", "v2"}[i%2]
		f.cli("import", versioned(t, v), "--api-id", id)
		f.cli("deploy", id, "--stage", "live")
	}
	time.Sleep(200 * time.Millisecond)
	close(stop)
	wg.Wait()
	if failed.Load() != 0 || ok.Load() == 0 {
		var list []string
		failures.Range(func(k, _ any) bool { list = append(list, k.(string)); return true })
		t.Fatalf("under redeploys: %d ok, %d failed: %v", ok.Load(), failed.Load(), list)
	}
	t.Logf("redeploy under load: %d requests, none failed", ok.Load())

	// The last deploy served v2; roll back to the very first deployment.
	waitBody(t, f, id, "live", "/v", `"version": "v2"`)
	f.cli("stage", "rollback", id, "live", "--to", first)
	waitBody(t, f, id, "live", "/v", `"version": "v1"`)
	if out := f.cli("stages", id, "--output", "json"); !strings.Contains(out, first) {
		t.Errorf("after rollback the stage should serve %s:\n%s", first, out)
	}
}

func waitBody(t *testing.T, f *ferry, id, stage, path, want string) {
	t.Helper()
	var body string
	for i := 0; i < 50; i++ {
		var resp *http.Response
		resp, body = f.call("GET", id, stage, path, nil, nil)
		if resp.StatusCode == 200 && strings.Contains(body, want) {
			return
		}
		sleepBriefly()
	}
	t.Fatalf("GET %s never answered %s; last body %s", path, want, body)
}

func TestStageOfflineOnlineKeepsConfiguration(t *testing.T) {
	f := startFerry(t, "")
	id := strings.TrimSpace(f.cli("import", versioned(t, "v1")))
	f.cli("deploy", id, "--stage", "s", "--stage-var", "color=green")
	waitBody(t, f, id, "s", "/v", `"color": "green"`)

	f.cli("stage", "offline", id, "s")
	var status int
	for i := 0; i < 50; i++ {
		resp, _ := f.call("GET", id, "s", "/v", nil, nil)
		if status = resp.StatusCode; status == 503 {
			break
		}
		sleepBriefly()
	}
	if status != 503 {
		t.Fatalf("offline stage answered %d, want 503", status)
	}
	f.cli("stage", "online", id, "s")
	waitBody(t, f, id, "s", "/v", `"color": "green"`)
}

func TestStateSurvivesRestart(t *testing.T) {
	f := startFerry(t, "")
	id := strings.TrimSpace(f.cli("import", versioned(t, "v1")))
	f.cli("deploy", id, "--stage", "s", "--stage-var", "color=red")
	if err := f.stop(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}
	g := startFerry(t, f.DataDir)
	waitBody(t, g, id, "s", "/v", `"color": "red"`)
}

func TestGracefulShutdownFinishesInFlight(t *testing.T) {
	release := make(chan struct{})
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
		io.WriteString(w, "finished")
	}))
	defer backend.Close()
	f := startFerry(t, "")
	id := importAndDeploy(t, f, repoFile(t, "examples/http-proxy.yaml"), "demo", "--stage-var", "backend="+strings.TrimPrefix(backend.URL, "http://"))

	type result struct {
		status int
		body   string
		err    error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := http.Get(fmt.Sprintf("%s/restapis/%s/demo/_user_request_/svc/slow", f.Data, id))
		if err != nil {
			done <- result{err: err}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		done <- result{status: resp.StatusCode, body: string(b)}
	}()
	time.Sleep(300 * time.Millisecond) // the request is now waiting in the backend
	exit := make(chan error, 1)
	go func() { exit <- f.stop(syscall.SIGTERM) }()
	time.Sleep(300 * time.Millisecond)
	close(release)
	r := <-done
	if r.err != nil || r.status != 200 || r.body != "finished" {
		t.Fatalf("in-flight request during shutdown: %+v", r)
	}
	if err := <-exit; err != nil {
		t.Fatalf("ferry serve after SIGTERM: %v (want exit 0)", err)
	}
}

func TestBadImportStoresNothing(t *testing.T) {
	f := startFerry(t, "")
	bad := writeFile(t, "bad.yaml", `openapi: 3.0.1
info: {title: broken, version: "1"}
paths:
  /broken:
    post:
      responses: {"200": {description: ok}}
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates:
          application/json: '#if($x) unfinished'
        responses: {default: {statusCode: "200"}}
`)
	_, stderr, err := f.tryCLI("import", bad)
	if err == nil {
		t.Fatal("import of a template that does not parse succeeded")
	}
	for _, want := range []string{"/broken", "POST", "requestTemplates"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("import error lacks %q: %s", want, stderr)
		}
	}
	if out := f.cli("apis", "--output", "json"); strings.Contains(out, "broken") {
		t.Errorf("a failed import left an API behind: %s", out)
	}
}

func TestSeedFixturesImport(t *testing.T) {
	f := startFerry(t, "")
	// Copies of ../shared/fixtures, byte for byte, so the test does not
	// depend on what sits beside the repository.
	fnsub := repoFile(t, "examples/sns-publish.json")
	verbatim := repoFile(t, "internal/oas/testdata/sns-publish.seed-verbatim.json")
	const topic = "arn:aws:sns:us-east-1:123456789012:orders"

	_, stderr, err := f.tryCLI("import", fnsub, "--var", "TopicArn="+topic)
	if err == nil || !strings.Contains(stderr, "region") {
		t.Errorf("import without --region should fail naming the region placeholder; err=%v stderr=%s", err, stderr)
	}
	_, stderr, err = f.tryCLI("import", fnsub, "--region", "us-east-1", "--account-id", "123456789012")
	if err == nil || !strings.Contains(stderr, "TopicArn") {
		t.Errorf("import without --var TopicArn should fail naming TopicArn; err=%v stderr=%s", err, stderr)
	}
	for _, c := range []struct{ file, varName string }{{fnsub, "TopicArn"}, {verbatim, "**<TOPIC-ARN>**"}} {
		id := strings.TrimSpace(f.cli("import", c.file, "--var", c.varName+"="+topic, "--region", "us-east-1", "--account-id", "123456789012"))
		out := f.cli("get-integration", id, "POST", "/test", "--output", "json")
		for _, want := range []string{`"AWS"`, "arn:aws:apigateway:us-east-1:sns:action/Publish", "arn:aws:iam::123456789012:role/apigateway-sns-role", topic} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: get-integration lacks %q:\n%s", c.file, want, out)
			}
		}
	}
}

// The configured account id is $context.accountId.
func TestAccountIDReachesContext(t *testing.T) {
	f := startFerry(t, "", "FERRY_AWS_ACCOUNT_ID=111122223333")
	def := writeFile(t, "account.yaml", `openapi: 3.0.1
info: {title: account, version: "1"}
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
            responseTemplates: {application/json: '{"account": "$context.accountId"}'}
`)
	id := importAndDeploy(t, f, def, "s")
	if _, body := f.call("GET", id, "s", "/who", nil, nil); body != `{"account": "111122223333"}` {
		t.Fatalf("answer %s", body)
	}
}
