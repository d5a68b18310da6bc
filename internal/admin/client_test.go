package admin

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ferrygw/ferry/internal/model"
)

// TestClientRoundTrip drives every kind of call through the Client against
// the real handler, so the two sides' paths and shapes cannot drift apart.
func TestClientRoundTrip(t *testing.T) {
	hs := newHarness(t)
	srv := httptest.NewServer(hs.h)
	defer srv.Close()
	ctx := context.Background()
	c, err := NewClient(srv.URL+"/", fullToken, nil)
	if err != nil {
		t.Fatal(err)
	}

	api, err := c.ImportAPI(ctx, readTestdata(t, "pets.yaml"), ImportOptions{Name: "client", Filename: "pets.yaml"})
	if err != nil || api.Name != "client" {
		t.Fatalf("import: %+v %v", api, err)
	}
	if apis, err := c.ListAPIs(ctx); err != nil || len(apis) != 1 || apis[0].ID != api.ID {
		t.Fatalf("list: %+v %v", apis, err)
	}
	if got, err := c.GetAPI(ctx, api.ID); err != nil || got.ID != api.ID {
		t.Fatalf("get: %+v %v", got, err)
	}
	rs, err := c.ListResources(ctx, api.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	var pets *model.Resource
	for _, r := range rs {
		if r.Path == "/pets" {
			pets = r
		}
	}
	if pets == nil || pets.ResourceMethods["GET"] == nil || pets.ResourceMethods["GET"].MethodIntegration == nil {
		t.Fatalf("resources with methods: %+v", rs)
	}
	if r, err := c.GetResource(ctx, api.ID, pets.ID); err != nil || r.ResourceMethods["GET"].HTTPMethod != "GET" {
		t.Fatalf("get resource: %+v %v", r, err)
	}

	steps := []struct {
		name string
		call func() error
	}{
		{"put method", func() error {
			_, err := c.PutMethod(ctx, api.ID, pets.ID, "post", &PutMethodInput{AuthorizationType: "NONE"})
			return err
		}},
		{"put integration", func() error {
			_, err := c.PutIntegration(ctx, api.ID, pets.ID, "POST", &model.Integration{Type: "MOCK"})
			return err
		}},
		{"put method response", func() error {
			_, err := c.PutMethodResponse(ctx, api.ID, pets.ID, "POST", "201", &PutMethodResponseInput{})
			return err
		}},
		{"put integration response", func() error {
			_, err := c.PutIntegrationResponse(ctx, api.ID, pets.ID, "POST", "201", &model.IntegrationResponse{SelectionPattern: ""})
			return err
		}},
		{"get method", func() error {
			m, err := c.GetMethod(ctx, api.ID, pets.ID, "POST")
			if err == nil && (m.MethodIntegration == nil || m.MethodResponses["201"] == nil) {
				err = errors.New("method lacks its parts")
			}
			return err
		}},
		{"get integration", func() error {
			in, err := c.GetIntegration(ctx, api.ID, pets.ID, "POST")
			if err == nil && in.IntegrationResponses["201"] == nil {
				err = errors.New("integration lacks its response")
			}
			return err
		}},
		{"get integration response", func() error {
			_, err := c.GetIntegrationResponse(ctx, api.ID, pets.ID, "POST", "201")
			return err
		}},
		{"get method response", func() error {
			_, err := c.GetMethodResponse(ctx, api.ID, pets.ID, "POST", "201")
			return err
		}},
		{"test invoke", func() error {
			out, err := c.TestInvoke(ctx, api.ID, pets.ID, "POST", &TestInvokeInput{Body: "{}"})
			if err == nil && out.Status != 201 {
				err = errors.New("test invoke status is not 201")
			}
			return err
		}},
		{"delete integration response", func() error { return c.DeleteIntegrationResponse(ctx, api.ID, pets.ID, "POST", "201") }},
		{"delete method response", func() error { return c.DeleteMethodResponse(ctx, api.ID, pets.ID, "POST", "201") }},
		{"delete integration", func() error { return c.DeleteIntegration(ctx, api.ID, pets.ID, "POST") }},
		{"delete method", func() error { return c.DeleteMethod(ctx, api.ID, pets.ID, "POST") }},
	}
	for _, s := range steps {
		if err := s.call(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
	}

	d1, err := c.CreateDeployment(ctx, api.ID, &CreateDeploymentInput{StageName: "prod"})
	if err != nil {
		t.Fatal(err)
	}
	d2, err := c.CreateDeployment(ctx, api.ID, &CreateDeploymentInput{Description: "next"})
	if err != nil {
		t.Fatal(err)
	}
	if ds, err := c.ListDeployments(ctx, api.ID); err != nil || len(ds) != 2 {
		t.Fatalf("deployments: %+v %v", ds, err)
	}
	if d, err := c.GetDeployment(ctx, api.ID, d2.ID); err != nil || d.Description != "next" {
		t.Fatalf("get deployment: %+v %v", d, err)
	}
	if _, err := c.CreateStage(ctx, api.ID, &CreateStageInput{StageName: "beta", DeploymentID: d2.ID}); err != nil {
		t.Fatal(err)
	}
	st, err := c.UpdateStage(ctx, api.ID, "prod", PatchOperation{Op: "replace", Path: "/deploymentId", Value: d2.ID})
	if err != nil || st.DeploymentID != d2.ID {
		t.Fatalf("update stage: %+v %v", st, err)
	}
	if st, err := c.SetStageOffline(ctx, api.ID, "prod", true); err != nil || !st.Offline {
		t.Fatalf("offline: %+v %v", st, err)
	}
	if sts, err := c.ListStages(ctx, api.ID); err != nil || len(sts) != 2 {
		t.Fatalf("stages: %+v %v", sts, err)
	}
	if doc, err := c.ExportStage(ctx, api.ID, "prod"); err != nil || !strings.Contains(string(doc), `"openapi"`) {
		t.Fatalf("export stage: %v", err)
	}
	if doc, err := c.ExportAPI(ctx, api.ID); err != nil || !strings.Contains(string(doc), `"/pets"`) {
		t.Fatalf("export api: %v", err)
	}
	if err := c.DeleteDeployment(ctx, api.ID, d1.ID); err != nil {
		t.Fatal(err)
	}

	if _, err := c.CreateDomainName(ctx, "c.example.com"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateBasePathMapping(ctx, "c.example.com", &CreateBasePathMappingInput{RestAPIID: api.ID, Stage: "prod"}); err != nil {
		t.Fatal(err)
	}
	if ms, err := c.ListBasePathMappings(ctx, "c.example.com"); err != nil || len(ms) != 1 || ms[0].BasePath != "(none)" {
		t.Fatalf("mappings: %+v %v", ms, err)
	}
	if err := c.DeleteBasePathMapping(ctx, "c.example.com", ""); err != nil {
		t.Fatal(err)
	}
	if d, err := c.GetDomainName(ctx, "c.example.com"); err != nil || d.DomainName != "c.example.com" {
		t.Fatalf("get domain: %+v %v", d, err)
	}
	if ds, err := c.ListDomainNames(ctx); err != nil || len(ds) != 1 {
		t.Fatalf("domains: %+v %v", ds, err)
	}
	if err := c.DeleteDomainName(ctx, "c.example.com"); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteStage(ctx, api.ID, "beta"); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteAPI(ctx, api.ID); err != nil {
		t.Fatal(err)
	}

	_, err = c.GetAPI(ctx, api.ID)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 404 || ae.Type != ErrNotFound || !strings.Contains(ae.Message, api.ID) {
		t.Fatalf("get of a deleted API: %#v", err)
	}
}

func TestClientErrors(t *testing.T) {
	// A front that is not ferry (a proxy's plain-text 502) still gives an APIError.
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "upstream down", http.StatusBadGateway)
	}))
	defer proxy.Close()
	c, err := NewClient(proxy.URL, "t", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListAPIs(context.Background())
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 502 || ae.Message != "upstream down" || !strings.Contains(ae.Type, "502") {
		t.Fatalf("plain-text error: %#v", err)
	}
	for _, bad := range []string{"", "127.0.0.1:9090", "ftp://x", "http://"} {
		if _, err := NewClient(bad, "t", nil); err == nil {
			t.Errorf("NewClient(%q) accepted a bad URL", bad)
		}
	}
	if got := Path("domainnames", "a.example.com", "basepathmappings", "v1/x"); got != "/domainnames/a.example.com/basepathmappings/v1%2Fx" {
		t.Fatalf("Path = %q", got)
	}
}
