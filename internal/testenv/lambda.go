package testenv

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// LambdaServer is a running serverless-offline: the real Lambda Invoke API
// (POST /2015-03-31/functions/NAME/invocations) running Node.js handlers. A
// handler that throws answers 200 with X-Amz-Function-Error, InvocationType
// Event answers 202, DryRun is refused with 400. It accepts any signature.
type LambdaServer struct {
	// Endpoint is the Lambda API's base URL, http://127.0.0.1:PORT.
	Endpoint string
	// Region is the region in the generated serverless.yml.
	Region string
	// FunctionNames maps each handler name given to Lambda to the deployed
	// function name, SERVICE-STAGE-NAME ("ferry-test-NAME").
	FunctionNames map[string]string
}

// LambdaService and LambdaStage make up the prefix of every function name.
const (
	LambdaService = "ferry"
	LambdaStage   = "test"
)

var lambdaName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]{0,40}$`)

// Lambda writes a serverless.yml and one CommonJS module per handler into a
// temporary directory and starts `serverless offline` with its Lambda port on
// 127.0.0.1. handlers maps a short function name (letters and digits) to the
// JavaScript source of a module that exports `handler`, for example
//
//	exports.handler = async (event) => ({ echo: event })
//
// The function is invoked as FunctionName(name), e.g. "ferry-test-echo".
func Lambda(t testing.TB, handlers map[string]string) *LambdaServer {
	t.Helper()
	if len(handlers) == 0 {
		t.Fatal("testenv: Lambda needs at least one handler")
	}
	names := make([]string, 0, len(handlers))
	for name := range handlers {
		if !lambdaName.MatchString(name) {
			t.Fatalf("testenv: Lambda handler name %q: want a letter then up to 40 letters or digits", name)
		}
		names = append(names, name)
	}
	sort.Strings(names)
	root := requireNodePackage(t, "serverless-offline")
	requireNodePackage(t, "serverless")

	dir := t.TempDir()
	port, httpPort, wsPort, albPort := FreePort(t), FreePort(t), FreePort(t), FreePort(t)
	s := &LambdaServer{Endpoint: loopbackURL(port), Region: "us-east-1", FunctionNames: map[string]string{}}
	var fns strings.Builder
	for _, name := range names {
		if err := os.WriteFile(filepath.Join(dir, name+".js"), []byte(handlers[name]), 0o600); err != nil {
			t.Fatalf("testenv: write handler %s: %v", name, err)
		}
		fmt.Fprintf(&fns, "  %s:\n    handler: %s.handler\n", name, name)
		s.FunctionNames[name] = LambdaService + "-" + LambdaStage + "-" + name
	}
	yml := fmt.Sprintf(`service: %s
frameworkVersion: '3'
provider:
  name: aws
  runtime: nodejs20.x
  stage: %s
  region: %s
plugins:
  - serverless-offline
custom:
  serverless-offline:
    host: 127.0.0.1
    lambdaPort: %d
    httpPort: %d
    websocketPort: %d
    albPort: %d
functions:
%s`, LambdaService, LambdaStage, s.Region, port, httpPort, wsPort, albPort, fns.String())
	if err := os.WriteFile(filepath.Join(dir, "serverless.yml"), []byte(yml), 0o600); err != nil {
		t.Fatalf("testenv: write serverless.yml: %v", err)
	}
	// serverless resolves plugins from the service directory's node_modules.
	if err := os.Symlink(filepath.Join(root, "node_modules"), filepath.Join(dir, "node_modules")); err != nil {
		t.Fatalf("testenv: link node_modules: %v", err)
	}
	env := []string{
		// Keep the framework offline: no telemetry, update checks or dashboard.
		"SLS_TELEMETRY_DISABLED=1",
		"SLS_NOTIFICATIONS_MODE=off",
		"SLS_DEPRECATION_DISABLE=*",
		"SERVERLESS_PLATFORM_STAGE=",
		"HOME=" + t.TempDir(),
		// The handlers' SDK default chain must never reach a real account.
		"AWS_ACCESS_KEY_ID=offline",
		"AWS_SECRET_ACCESS_KEY=offline",
	}
	p := startProcess(t, "serverless-offline", dir, env,
		"node", filepath.Join(root, "node_modules", "serverless", "bin", "serverless.js"),
		"offline", "start", "--lambdaPort", strconv.Itoa(port), "--host", "127.0.0.1")
	p.waitReady(t, 180*time.Second, httpAnswers(s.Endpoint+"/"))
	return s
}

// FunctionName returns the deployed name of the handler called name:
// SERVICE-STAGE-NAME, the name a Lambda client invokes.
func (s *LambdaServer) FunctionName(name string) string {
	return LambdaService + "-" + LambdaStage + "-" + name
}
