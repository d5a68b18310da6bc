package pipeline

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ferrygw/ferry/internal/gatewayresponse"
	"github.com/ferrygw/ferry/internal/model"
)

// TestGuards checks the seam security steps plug into: a guard built only
// for the methods that need one, run in order before the integration,
// refusing with its own gateway response or letting the call through with
// what it wrote into $context.
func TestGuards(t *testing.T) {
	open := mock("open")
	locked := mock("locked")
	locked.APIKeyRequired = true
	locked.MethodIntegration.IntegrationResponses["200"].ResponseTemplates = map[string]string{
		"application/json": `{"key": "$context.identity.apiKeyId"}`,
	}
	api := newAPI(res("/open", map[string]*model.Method{"GET": open}), res("/locked", map[string]*model.Method{"GET": locked}))

	var order []string
	var built int
	keyCheck := func(api *model.API, st *model.Stage, r *model.Resource, m *model.Method) (Guard, error) {
		if !m.APIKeyRequired {
			return nil, nil
		}
		built++
		return func(ctx context.Context, g *GuardRequest) error {
			order = append(order, "key")
			if g.HTTP.Header.Get("x-api-key") != "k1" {
				return gatewayresponse.New(gatewayresponse.InvalidAPIKey, nil)
			}
			g.Context.Identity.APIKeyID = "id-" + g.Stage + "-" + g.ResourcePath
			return nil
		}, nil
	}
	counter := func(*model.API, *model.Stage, *model.Resource, *model.Method) (Guard, error) {
		return func(ctx context.Context, g *GuardRequest) error {
			order = append(order, "count")
			g.Header.Set("X-Checked", "yes")
			return nil
		}, nil
	}
	s, err := Compile(api, &model.Stage{StageName: "dev"}, Options{Now: fixedNow, Guards: []GuardFactory{keyCheck, counter}})
	if err != nil {
		t.Fatal(err)
	}
	if built != 1 {
		t.Fatalf("the key guard was built for %d methods, want only the one that requires a key", built)
	}

	a := do(t, s, "GET", "/locked", "", nil)
	if a.status != 403 || !strings.Contains(a.body, "Forbidden") || strings.Join(order, ",") != "key" {
		t.Errorf("without a key: %d %s, guards ran %v", a.status, a.body, order)
	}
	order = nil
	a = do(t, s, "GET", "/locked", "", map[string]string{"x-api-key": "k1"})
	if a.status != 200 || a.body != `{"key": "id-dev-/locked"}` || a.header.Get("X-Checked") != "yes" || strings.Join(order, ",") != "key,count" {
		t.Errorf("with a key: %d %s %v, guards ran %v", a.status, a.body, a.header, order)
	}
	order = nil
	if a = do(t, s, "GET", "/open", "", nil); a.status != 200 || strings.Join(order, ",") != "count" {
		t.Errorf("open method: %d, guards ran %v", a.status, order)
	}

	failing := func(*model.API, *model.Stage, *model.Resource, *model.Method) (Guard, error) {
		return nil, errors.New("authorizer \"x\" does not exist")
	}
	if _, err := Compile(api, &model.Stage{StageName: "dev"}, Options{Guards: []GuardFactory{failing}}); err == nil || !strings.Contains(err.Error(), "GET /locked: authorizer") {
		t.Errorf("a guard factory's error should name the method: %v", err)
	}
}
