package awsservice

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/ferrygw/ferry/internal/awsauth"
	"github.com/ferrygw/ferry/internal/awsproto"
	"github.com/ferrygw/ferry/internal/gatewayresponse"
	"github.com/ferrygw/ferry/internal/integration"
	"github.com/ferrygw/ferry/internal/model"
)

// Credentials resolves an integration's credentials string; *awsauth.Resolver
// implements it.
type Credentials interface {
	Retrieve(ctx context.Context, ref string, where awsauth.Where) (aws.Credentials, error)
	Endpoints() *awsauth.Endpoints
}

var _ Credentials = (*awsauth.Resolver)(nil)

// Factory returns the integration factory for type AWS.
func Factory(creds Credentials) integration.Factory {
	return func(cfg integration.Config) (integration.Backend, error) {
		return newBackend(cfg, creds)
	}
}

// credentialsError marks a failure to obtain credentials, which API Gateway
// reports as a 500 (a configuration problem), not as an integration failure.
type credentialsError struct{ err error }

func (e *credentialsError) Error() string { return e.err.Error() }
func (e *credentialsError) Unwrap() error { return e.err }

type backend struct {
	uri      awsproto.ServiceURI
	service  awsproto.Service
	method   string
	endpoint awsauth.Endpoint
	send     integration.Backend
	// stream sends S3 object calls with their bodies unbuffered; nil for
	// other services.
	stream integration.Backend
	// timeout bounds a streamed call's wait for S3's answer.
	timeout time.Duration
}

func newBackend(cfg integration.Config, creds Credentials) (integration.Backend, error) {
	in := cfg.Integration
	uri, err := awsproto.ParseServiceURI(in.URI)
	if err != nil {
		return nil, fmt.Errorf("integration.uri: %w", err)
	}
	if _, err := awsauth.ParseCredentials(in.Credentials); err != nil {
		return nil, fmt.Errorf("integration.credentials: %w", err)
	}
	svc, _ := awsproto.Lookup(uri.Service)
	if uri.Kind == awsproto.ActionURI && svc.Protocol != awsproto.Query && svc.Protocol != awsproto.JSON {
		return nil, fmt.Errorf("integration.uri: %s: ferry does not know how to call actions of service %q; use a path/ URI", in.URI, uri.Service)
	}
	if uri.Kind == awsproto.PathURI && in.HTTPMethod == "" {
		return nil, fmt.Errorf("integration.httpMethod: a path/ URI needs the HTTP method to call it with")
	}
	if creds == nil {
		return nil, errors.New("integration.type AWS: ferry was started without AWS support")
	}
	ep, err := creds.Endpoints().Resolve(uri.Service, uri.Region)
	if err != nil {
		return nil, fmt.Errorf("integration.uri: %w", err)
	}
	signingName := svc.SigningName
	if signingName == "" {
		signingName = uri.Service
	}
	ref, where := in.Credentials, awsauth.Where{APIID: cfg.APIID, Stage: cfg.Stage, ExternalID: in.ExternalID}
	signer := &awsauth.Transport{
		Base: cfg.Transport,
		Credentials: aws.CredentialsProviderFunc(func(ctx context.Context) (aws.Credentials, error) {
			c, err := creds.Retrieve(ctx, ref, where)
			if err != nil {
				return aws.Credentials{}, &credentialsError{err}
			}
			return c, nil
		}),
		Service: signingName,
		Region:  ep.SigningRegion,
	}
	// The HTTP backend brings the timeout, the error mapping and the
	// response size bound; it sees a plain http(s) URL to the service.
	send, err := integration.NewHTTP(integration.Config{
		Integration: &model.Integration{Type: model.IntegrationHTTP, URI: ep.URL, TimeoutInMillis: in.TimeoutInMillis},
		Where:       cfg.Where,
		Transport:   signer,
		Logger:      cfg.Logger,
	})
	if err != nil {
		return nil, fmt.Errorf("integration.uri: endpoint %s: %w", ep.URL, err)
	}
	b := &backend{uri: uri, service: svc, method: in.HTTPMethod, endpoint: ep, send: send,
		timeout: time.Duration(in.Timeout()) * time.Millisecond}
	if uri.Kind == awsproto.PathURI && uri.Service == "s3" {
		// S3 objects can be of any size: their bodies stream both ways,
		// the integration timeout bounding the wait for the answer's head.
		b.stream, err = integration.NewHTTP(integration.Config{
			Integration: &model.Integration{Type: model.IntegrationHTTPProxy, URI: ep.URL, TimeoutInMillis: unbounded},
			Where:       cfg.Where,
			Transport:   signer,
			Logger:      cfg.Logger,
			Stream:      true,
		})
		if err != nil {
			return nil, fmt.Errorf("integration.uri: endpoint %s: %w", ep.URL, err)
		}
	}
	return b.call, nil
}

func (b *backend) call(ctx context.Context, req *integration.Request) (*integration.Response, error) {
	if b.stream != nil {
		return b.callStream(ctx, req)
	}
	hreq, err := awsproto.BuildRequest(ctx, awsproto.RequestInput{
		URI:        b.uri,
		HTTPMethod: b.method,
		BaseURL:    b.endpoint.URL,
		PathStyle:  b.endpoint.Overridden,
		Body:       req.Body,
		Headers:    req.Header,
		Query:      req.Query,
		PathParams: req.PathParams,
	})
	if err != nil {
		return nil, gatewayresponse.Internal(err)
	}
	// BuildRequest made the body the service wants (the form of a query
	// call, "{}" for an empty JSON call); send exactly that.
	body, err := io.ReadAll(hreq.Body)
	if err != nil {
		return nil, gatewayresponse.Internal(err)
	}
	resp, err := b.send(ctx, &integration.Request{
		Method:        hreq.Method,
		URL:           hreq.URL,
		Header:        hreq.Header,
		Body:          body,
		ContentLength: int64(len(body)),
	})
	if err != nil {
		return nil, sendError(err)
	}
	if b.service.Protocol == awsproto.Query && isXML(resp.Header.Get("Content-Type")) && len(resp.Body) > 0 {
		if j, err := awsproto.QueryXMLToJSON(resp.Body); err == nil {
			resp.Body = j
			resp.Header.Set("Content-Type", "application/json")
			resp.Header.Set("Content-Length", strconv.Itoa(len(j)))
		}
	}
	return resp, nil
}

func isXML(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mt == "text/xml" || mt == "application/xml"
}

// sendError turns a failure to get credentials into API Gateway's 500.
func sendError(err error) error {
	var ce *credentialsError
	if errors.As(err, &ce) {
		return gatewayresponse.Internal(fmt.Errorf("aws credentials: %w", ce.err))
	}
	return err
}
