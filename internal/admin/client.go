package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/ferrygw/ferry/internal/model"
)

// Client calls the admin API. Every method returns the model types the
// handler sends, and a failed call returns *APIError.
type Client struct {
	base  *url.URL
	token string
	http  *http.Client
}

// NewClient returns a client of the admin API at baseURL (e.g.
// "http://127.0.0.1:9090"). A nil hc uses http.DefaultClient.
func NewClient(baseURL, token string, hc *http.Client) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("admin URL %q is not an http:// or https:// URL with a host", baseURL)
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	return &Client{base: u, token: token, http: hc}, nil
}

// Do sends one request and returns the answer's body as received. path is
// already escaped; build it with Path. A non-2xx answer is
// an *APIError.
func (c *Client) Do(ctx context.Context, method, path string, query url.Values, body []byte) ([]byte, error) {
	target := c.base.String() + path
	if q := query.Encode(); q != "" {
		target += "?" + q
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		// url.Error repeats the URL, which holds no secret: the token travels in a header.
		return nil, fmt.Errorf("admin API unreachable: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: reading answer: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		return nil, decodeAPIError(resp, b)
	}
	return b, nil
}

func decodeAPIError(resp *http.Response, body []byte) *APIError {
	ae := &APIError{Status: resp.StatusCode, Type: resp.Header.Get("x-amzn-ErrorType")}
	var m struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &m) == nil && m.Message != "" {
		ae.Message = m.Message
	} else {
		ae.Message = strings.TrimSpace(string(body))
		if ae.Message == "" {
			ae.Message = http.StatusText(resp.StatusCode)
		}
	}
	if ae.Type == "" {
		ae.Type = "HTTP" + resp.Status
	}
	return ae
}

// Path joins segments into a request path, escaping each one, so a base
// path such as "v1/orders" stays one segment.
func Path(segments ...string) string {
	var b strings.Builder
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}

func (c *Client) call(ctx context.Context, method, path string, query url.Values, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return fmt.Errorf("%s %s: encoding request: %w", method, path, err)
		}
	}
	b, err := c.Do(ctx, method, path, query, body)
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%s %s: decoding answer: %w", method, path, err)
	}
	return nil
}

func importQueryValues(mode string, opts ImportOptions) url.Values {
	q := url.Values{"mode": {mode}}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("name", opts.Name)
	set("region", opts.Region)
	set("accountId", opts.AccountID)
	set("filename", opts.Filename)
	if opts.FailOnWarnings {
		q.Set("failonwarnings", "true")
	}
	names := make([]string, 0, len(opts.Vars))
	for k := range opts.Vars {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		q.Add("var", k+"="+opts.Vars[k])
	}
	return q
}

// ListAPIs lists every REST API.
func (c *Client) ListAPIs(ctx context.Context) ([]model.RestAPI, error) {
	var out list[model.RestAPI]
	return out.Item, c.call(ctx, http.MethodGet, "/restapis", nil, nil, &out)
}

// ImportAPI creates an API from an OpenAPI document.
func (c *Client) ImportAPI(ctx context.Context, doc []byte, opts ImportOptions) (*model.RestAPI, error) {
	var out model.RestAPI
	_, err := c.do(ctx, http.MethodPost, "/restapis", importQueryValues("import", opts), doc, &out)
	return &out, err
}

// OverwriteAPI replaces API id's definition with an OpenAPI document, keeping its id.
func (c *Client) OverwriteAPI(ctx context.Context, id string, doc []byte, opts ImportOptions) (*model.RestAPI, error) {
	var out model.RestAPI
	_, err := c.do(ctx, http.MethodPut, Path("restapis", id), importQueryValues("overwrite", opts), doc, &out)
	return &out, err
}

// do sends a raw body and decodes the answer into out.
func (c *Client) do(ctx context.Context, method, path string, q url.Values, body []byte, out any) ([]byte, error) {
	b, err := c.Do(ctx, method, path, q, body)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, out); err != nil {
		return nil, fmt.Errorf("%s %s: decoding answer: %w", method, path, err)
	}
	return b, nil
}

// GetAPI returns one API's RestApi record.
func (c *Client) GetAPI(ctx context.Context, id string) (*model.RestAPI, error) {
	var out model.RestAPI
	return &out, c.call(ctx, http.MethodGet, Path("restapis", id), nil, nil, &out)
}

// DeleteAPI deletes an API with its deployments and stages.
func (c *Client) DeleteAPI(ctx context.Context, id string) error {
	return c.call(ctx, http.MethodDelete, Path("restapis", id), nil, nil, nil)
}

// ListResources lists an API's resources, with their methods in full when embedMethods is set.
func (c *Client) ListResources(ctx context.Context, apiID string, embedMethods bool) ([]*model.Resource, error) {
	var q url.Values
	if embedMethods {
		q = url.Values{"embed": {"methods"}}
	}
	var out list[*model.Resource]
	return out.Item, c.call(ctx, http.MethodGet, Path("restapis", apiID, "resources"), q, nil, &out)
}

// GetResource returns one resource with its methods in full.
func (c *Client) GetResource(ctx context.Context, apiID, resourceID string) (*model.Resource, error) {
	var out model.Resource
	q := url.Values{"embed": {"methods"}}
	return &out, c.call(ctx, http.MethodGet, Path("restapis", apiID, "resources", resourceID), q, nil, &out)
}

func methodPath(apiID, resourceID, verb string, more ...string) string {
	return Path(append([]string{"restapis", apiID, "resources", resourceID, "methods", strings.ToUpper(verb)}, more...)...)
}

// GetMethod returns a method with its integration and responses.
func (c *Client) GetMethod(ctx context.Context, apiID, resourceID, verb string) (*model.Method, error) {
	var out model.Method
	return &out, c.call(ctx, http.MethodGet, methodPath(apiID, resourceID, verb), nil, nil, &out)
}

// PutMethod creates a method or replaces its request settings.
func (c *Client) PutMethod(ctx context.Context, apiID, resourceID, verb string, in *PutMethodInput) (*model.Method, error) {
	var out model.Method
	return &out, c.call(ctx, http.MethodPut, methodPath(apiID, resourceID, verb), nil, in, &out)
}

// DeleteMethod deletes a method.
func (c *Client) DeleteMethod(ctx context.Context, apiID, resourceID, verb string) error {
	return c.call(ctx, http.MethodDelete, methodPath(apiID, resourceID, verb), nil, nil, nil)
}

// GetMethodResponse returns one method response.
func (c *Client) GetMethodResponse(ctx context.Context, apiID, resourceID, verb, status string) (*model.MethodResponse, error) {
	var out model.MethodResponse
	return &out, c.call(ctx, http.MethodGet, methodPath(apiID, resourceID, verb, "responses", status), nil, nil, &out)
}

// PutMethodResponse creates or replaces a method response.
func (c *Client) PutMethodResponse(ctx context.Context, apiID, resourceID, verb, status string, in *PutMethodResponseInput) (*model.MethodResponse, error) {
	var out model.MethodResponse
	return &out, c.call(ctx, http.MethodPut, methodPath(apiID, resourceID, verb, "responses", status), nil, in, &out)
}

// DeleteMethodResponse deletes a method response.
func (c *Client) DeleteMethodResponse(ctx context.Context, apiID, resourceID, verb, status string) error {
	return c.call(ctx, http.MethodDelete, methodPath(apiID, resourceID, verb, "responses", status), nil, nil, nil)
}

// GetIntegration returns a method's integration.
func (c *Client) GetIntegration(ctx context.Context, apiID, resourceID, verb string) (*model.Integration, error) {
	var out model.Integration
	return &out, c.call(ctx, http.MethodGet, methodPath(apiID, resourceID, verb, "integration"), nil, nil, &out)
}

// PutIntegration sets a method's integration.
func (c *Client) PutIntegration(ctx context.Context, apiID, resourceID, verb string, in *model.Integration) (*model.Integration, error) {
	var out model.Integration
	return &out, c.call(ctx, http.MethodPut, methodPath(apiID, resourceID, verb, "integration"), nil, in, &out)
}

// DeleteIntegration removes a method's integration.
func (c *Client) DeleteIntegration(ctx context.Context, apiID, resourceID, verb string) error {
	return c.call(ctx, http.MethodDelete, methodPath(apiID, resourceID, verb, "integration"), nil, nil, nil)
}

// GetIntegrationResponse returns one integration response.
func (c *Client) GetIntegrationResponse(ctx context.Context, apiID, resourceID, verb, status string) (*model.IntegrationResponse, error) {
	var out model.IntegrationResponse
	return &out, c.call(ctx, http.MethodGet, methodPath(apiID, resourceID, verb, "integration", "responses", status), nil, nil, &out)
}

// PutIntegrationResponse creates or replaces an integration response.
func (c *Client) PutIntegrationResponse(ctx context.Context, apiID, resourceID, verb, status string, in *model.IntegrationResponse) (*model.IntegrationResponse, error) {
	var out model.IntegrationResponse
	return &out, c.call(ctx, http.MethodPut, methodPath(apiID, resourceID, verb, "integration", "responses", status), nil, in, &out)
}

// DeleteIntegrationResponse deletes an integration response.
func (c *Client) DeleteIntegrationResponse(ctx context.Context, apiID, resourceID, verb, status string) error {
	return c.call(ctx, http.MethodDelete, methodPath(apiID, resourceID, verb, "integration", "responses", status), nil, nil, nil)
}

// TestInvoke runs a method of the API's current definition.
func (c *Client) TestInvoke(ctx context.Context, apiID, resourceID, verb string, in *TestInvokeInput) (*TestInvokeOutput, error) {
	var out TestInvokeOutput
	return &out, c.call(ctx, http.MethodPost, methodPath(apiID, resourceID, verb), nil, in, &out)
}

// TestInvokeAuthorizer evaluates an authorizer, named by id or by name, of
// the API's current definition for the call in describes.
func (c *Client) TestInvokeAuthorizer(ctx context.Context, apiID, authorizer string, in *TestInvokeAuthorizerInput) (*TestInvokeAuthorizerOutput, error) {
	var out TestInvokeAuthorizerOutput
	return &out, c.call(ctx, http.MethodPost, Path("restapis", apiID, "authorizers", authorizer), nil, in, &out)
}

// CreateDeployment snapshots the API, and points in.StageName at it when set.
func (c *Client) CreateDeployment(ctx context.Context, apiID string, in *CreateDeploymentInput) (*model.Deployment, error) {
	var out model.Deployment
	return &out, c.call(ctx, http.MethodPost, Path("restapis", apiID, "deployments"), nil, in, &out)
}

// ListDeployments lists an API's deployments.
func (c *Client) ListDeployments(ctx context.Context, apiID string) ([]*model.Deployment, error) {
	var out list[*model.Deployment]
	return out.Item, c.call(ctx, http.MethodGet, Path("restapis", apiID, "deployments"), nil, nil, &out)
}

// GetDeployment returns one deployment (without its snapshot).
func (c *Client) GetDeployment(ctx context.Context, apiID, id string) (*model.Deployment, error) {
	var out model.Deployment
	return &out, c.call(ctx, http.MethodGet, Path("restapis", apiID, "deployments", id), nil, nil, &out)
}

// DeleteDeployment deletes a deployment no stage serves.
func (c *Client) DeleteDeployment(ctx context.Context, apiID, id string) error {
	return c.call(ctx, http.MethodDelete, Path("restapis", apiID, "deployments", id), nil, nil, nil)
}

// ListStages lists an API's stages.
func (c *Client) ListStages(ctx context.Context, apiID string) ([]*model.Stage, error) {
	var out list[*model.Stage]
	return out.Item, c.call(ctx, http.MethodGet, Path("restapis", apiID, "stages"), nil, nil, &out)
}

// ListAuthorizers returns an API's authorizers.
func (c *Client) ListAuthorizers(ctx context.Context, apiID string) ([]*model.Authorizer, error) {
	var out list[*model.Authorizer]
	return out.Item, c.call(ctx, http.MethodGet, Path("restapis", apiID, "authorizers"), nil, nil, &out)
}

// GetAuthorizer returns one authorizer of an API, by id or by name.
func (c *Client) GetAuthorizer(ctx context.Context, apiID, idOrName string) (*model.Authorizer, error) {
	var out model.Authorizer
	return &out, c.call(ctx, http.MethodGet, Path("restapis", apiID, "authorizers", idOrName), nil, nil, &out)
}

// GetStage returns one stage.
func (c *Client) GetStage(ctx context.Context, apiID, name string) (*model.Stage, error) {
	var out model.Stage
	return &out, c.call(ctx, http.MethodGet, Path("restapis", apiID, "stages", name), nil, nil, &out)
}

// CreateStage creates a stage serving an existing deployment.
func (c *Client) CreateStage(ctx context.Context, apiID string, in *CreateStageInput) (*model.Stage, error) {
	var out model.Stage
	return &out, c.call(ctx, http.MethodPost, Path("restapis", apiID, "stages"), nil, in, &out)
}

// UpdateStage applies patch operations to a stage.
func (c *Client) UpdateStage(ctx context.Context, apiID, name string, ops ...PatchOperation) (*model.Stage, error) {
	var out model.Stage
	in := UpdateStageInput{PatchOperations: ops}
	return &out, c.call(ctx, http.MethodPatch, Path("restapis", apiID, "stages", name), nil, &in, &out)
}

// DeleteStage deletes a stage.
func (c *Client) DeleteStage(ctx context.Context, apiID, name string) error {
	return c.call(ctx, http.MethodDelete, Path("restapis", apiID, "stages", name), nil, nil, nil)
}

// SetStageOffline takes a stage offline (every request answered 503) or back online.
func (c *Client) SetStageOffline(ctx context.Context, apiID, name string, offline bool) (*model.Stage, error) {
	word := "online"
	if offline {
		word = "offline"
	}
	var out model.Stage
	return &out, c.call(ctx, http.MethodPost, Path("ferry", "restapis", apiID, "stages", name, word), nil, nil, &out)
}

// ExportStage returns the OpenAPI 3 JSON of what a stage serves.
func (c *Client) ExportStage(ctx context.Context, apiID, stage string) ([]byte, error) {
	return c.Do(ctx, http.MethodGet, Path("restapis", apiID, "stages", stage, "exports", "oas30"), nil, nil)
}

// ExportAPI returns the OpenAPI 3 JSON of an API's current, possibly undeployed, definition.
func (c *Client) ExportAPI(ctx context.Context, apiID string) ([]byte, error) {
	return c.Do(ctx, http.MethodGet, Path("ferry", "restapis", apiID, "exports", "oas30"), nil, nil)
}

// ListDomainNames lists the custom domain names.
func (c *Client) ListDomainNames(ctx context.Context) ([]*model.DomainName, error) {
	var out list[*model.DomainName]
	return out.Item, c.call(ctx, http.MethodGet, "/domainnames", nil, nil, &out)
}

// GetDomainName returns one custom domain name.
func (c *Client) GetDomainName(ctx context.Context, name string) (*model.DomainName, error) {
	var out model.DomainName
	return &out, c.call(ctx, http.MethodGet, Path("domainnames", name), nil, nil, &out)
}

// CreateDomainName creates a custom domain name.
func (c *Client) CreateDomainName(ctx context.Context, name string) (*model.DomainName, error) {
	var out model.DomainName
	return &out, c.call(ctx, http.MethodPost, "/domainnames", nil, &CreateDomainNameInput{DomainName: name}, &out)
}

// DeleteDomainName deletes a custom domain name.
func (c *Client) DeleteDomainName(ctx context.Context, name string) error {
	return c.call(ctx, http.MethodDelete, Path("domainnames", name), nil, nil, nil)
}

// ListBasePathMappings lists a domain's base path mappings.
func (c *Client) ListBasePathMappings(ctx context.Context, domain string) ([]*model.BasePathMapping, error) {
	var out list[*model.BasePathMapping]
	return out.Item, c.call(ctx, http.MethodGet, Path("domainnames", domain, "basepathmappings"), nil, nil, &out)
}

// CreateBasePathMapping maps a base path of a domain to an API stage.
func (c *Client) CreateBasePathMapping(ctx context.Context, domain string, in *CreateBasePathMappingInput) (*model.BasePathMapping, error) {
	var out model.BasePathMapping
	return &out, c.call(ctx, http.MethodPost, Path("domainnames", domain, "basepathmappings"), nil, in, &out)
}

// DeleteBasePathMapping removes a base path mapping; "" or "(none)" names the whole-domain mapping.
func (c *Client) DeleteBasePathMapping(ctx context.Context, domain, basePath string) error {
	if basePath == "" {
		basePath = noBasePath
	}
	return c.call(ctx, http.MethodDelete, Path("domainnames", domain, "basepathmappings", basePath), nil, nil, nil)
}
