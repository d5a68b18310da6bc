package s3presign

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/ferrygw/ferry/internal/awsauth"
	"github.com/ferrygw/ferry/internal/awsproto"
	"github.com/ferrygw/ferry/internal/gatewayresponse"
	"github.com/ferrygw/ferry/internal/integrationrequest/mapping"
	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/pipeline"
)

// Credentials resolves an integration's credentials and endpoints;
// *awsauth.Resolver implements it.
type Credentials interface {
	Retrieve(ctx context.Context, ref string, where awsauth.Where) (aws.Credentials, error)
	Endpoints() *awsauth.Endpoints
}

var _ Credentials = (*awsauth.Resolver)(nil)

// Redirect is the gateway response type of the 307. It belongs to no
// 4XX or 5XX class, so an API's DEFAULT_4XX customization cannot turn
// the redirect into something else.
const Redirect gatewayresponse.Type = "FERRY_S3_PRESIGNED_REDIRECT"

// GuardFactory returns the pipeline guard factory for operations that
// carry x-ferry-s3-presign; others get no guard.
func GuardFactory(creds Credentials) pipeline.GuardFactory {
	return func(api *model.API, stage *model.Stage, res *model.Resource, m *model.Method) (pipeline.Guard, error) {
		raw, ok := m.Extensions[Extension]
		if !ok {
			return nil, nil
		}
		cfg, err := ParseConfig(raw)
		if err != nil {
			return nil, err
		}
		if creds == nil {
			return nil, fmt.Errorf("%s: ferry was started without AWS support", Extension)
		}
		p, err := compile(cfg, m.MethodIntegration, creds, awsauth.Where{APIID: api.RestAPI.ID, Stage: stage.StageName})
		if err != nil {
			return nil, err
		}
		return p.guard, nil
	}
}

// presigner is one operation's compiled redirect.
type presigner struct {
	cfg     Config
	method  string
	uri     awsproto.ServiceURI
	params  []param
	client  *s3.PresignClient
	expires time.Duration
}

type param struct {
	name string
	src  mapping.Source
	key  string
}

func compile(cfg Config, in *model.Integration, creds Credentials, where awsauth.Where) (*presigner, error) {
	if in == nil || in.Type != model.IntegrationAWS {
		return nil, fmt.Errorf("%s: %w", Extension, errNotObject)
	}
	uri, err := awsproto.ParseServiceURI(in.URI)
	if err != nil || uri.Kind != awsproto.PathURI || uri.Service != "s3" {
		return nil, fmt.Errorf("%s: %w", Extension, errNotObject)
	}
	method := strings.ToUpper(in.HTTPMethod)
	switch method {
	case http.MethodPut:
	case http.MethodGet, http.MethodHead, http.MethodDelete:
		if !cfg.Always {
			return nil, fmt.Errorf("%s: a %s has no request body to measure; set always: true", Extension, method)
		}
	default:
		return nil, fmt.Errorf("%s: S3 presigns GET, PUT, HEAD and DELETE of an object, not %s", Extension, in.HTTPMethod)
	}
	p := &presigner{cfg: cfg, method: method, uri: uri, expires: time.Duration(cfg.ExpiresSeconds) * time.Second}
	keys := make([]string, 0, len(in.RequestParameters))
	for k := range in.RequestParameters {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		name, ok := strings.CutPrefix(k, "integration.request.path.")
		if !ok {
			continue // headers and query strings do not change which object is presigned
		}
		src, err := mapping.ParseSource(in.RequestParameters[k])
		if err != nil {
			return nil, fmt.Errorf("integration.requestParameters[%q]: %w", k, err)
		}
		if src.Kind == mapping.RequestBody || src.Kind == mapping.RequestBodyPath {
			return nil, fmt.Errorf("%s: integration.requestParameters[%q] reads the body, which a redirect never sees", Extension, k)
		}
		p.params = append(p.params, param{name: name, src: src, key: k})
	}
	ep, err := creds.Endpoints().Resolve("s3", uri.Region)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", Extension, err)
	}
	ref, where := in.Credentials, awsauth.Where{APIID: where.APIID, Stage: where.Stage, ExternalID: in.ExternalID}
	if _, err := awsauth.ParseCredentials(ref); err != nil {
		return nil, fmt.Errorf("integration.credentials: %w", err)
	}
	client := s3.New(s3.Options{
		Region:       ep.SigningRegion,
		BaseEndpoint: aws.String(ep.URL),
		// Local servers have no wildcard DNS for bucket subdomains.
		UsePathStyle: ep.Overridden,
		Credentials: aws.CredentialsProviderFunc(func(ctx context.Context) (aws.Credentials, error) {
			return creds.Retrieve(ctx, ref, where)
		}),
	})
	p.client = s3.NewPresignClient(client, func(o *s3.PresignOptions) { o.Expires = p.expires })
	return p, nil
}

// guard answers a qualifying call with the redirect.
func (p *presigner) guard(ctx context.Context, g *pipeline.GuardRequest) error {
	if !p.cfg.Always && g.HTTP.ContentLength <= p.cfg.ThresholdBytes {
		return nil
	}
	bucket, key, err := p.object(g)
	if err != nil {
		return gatewayresponse.Internal(err)
	}
	req, err := p.presign(ctx, bucket, key)
	if err != nil {
		return gatewayresponse.Internal(fmt.Errorf("%s: presigning %s s3://%s/%s: %w", Extension, p.method, bucket, key, err))
	}
	g.Header.Set("Location", req.URL)
	// The URL carries a signature: no cache may keep it past its expiry.
	g.Header.Set("Cache-Control", "no-store")
	return &gatewayresponse.Error{Type: Redirect, Status: http.StatusTemporaryRedirect, Message: "Temporary Redirect"}
}

func (p *presigner) presign(ctx context.Context, bucket, key string) (*v4.PresignedHTTPRequest, error) {
	b, k := aws.String(bucket), aws.String(key)
	switch p.method {
	case http.MethodPut:
		return p.client.PresignPutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: k})
	case http.MethodGet:
		return p.client.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: k})
	case http.MethodHead:
		return p.client.PresignHeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: k})
	}
	return p.client.PresignDeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: k})
}

// object fills the URI's placeholders the way the integration request
// would and splits the result into bucket and key.
func (p *presigner) object(g *pipeline.GuardRequest) (bucket, key string, err error) {
	vals := &mapping.Values{
		Path: g.PathParams, Query: g.HTTP.URL.Query(), Header: g.HTTP.Header, Host: g.HTTP.Host,
		Context: g.Context, StageVariables: g.StageVariables,
	}
	filled := map[string]string{}
	for _, pr := range p.params {
		v, err := pr.src.Eval(vals)
		if err != nil {
			return "", "", fmt.Errorf("integration.requestParameters[%q]: %w", pr.key, err)
		}
		if v != nil {
			filled[pr.name] = strings.Join(v, ",")
		}
	}
	path, _, _ := strings.Cut(p.uri.Path, "?")
	if path, err = fill(path, filled); err != nil {
		return "", "", err
	}
	if p.uri.Subdomain != "" {
		if bucket, err = fill(p.uri.Subdomain, filled); err != nil {
			return "", "", err
		}
		key = strings.TrimPrefix(path, "/")
	} else {
		bucket, key, _ = strings.Cut(strings.TrimPrefix(path, "/"), "/")
	}
	if bucket == "" || key == "" {
		return "", "", fmt.Errorf("%s: %s names no object (bucket %q, key %q)", Extension, p.uri.Path, bucket, key)
	}
	return bucket, key, nil
}

// fill replaces {name} and {name+} with decoded values; a placeholder
// without a value is an error, as it would name the wrong object.
func fill(s string, vals map[string]string) (string, error) {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return "", fmt.Errorf("%s: unclosed { in %q", Extension, s)
		}
		name := strings.TrimSuffix(s[i+1:i+j], "+")
		v, ok := vals[name]
		if !ok {
			return "", fmt.Errorf("%s: no integration.request.path.%s mapping fills {%s}", Extension, name, name)
		}
		b.WriteString(s[:i])
		b.WriteString(v)
		s = s[i+j+1:]
	}
}
