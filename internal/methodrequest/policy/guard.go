package policy

import (
	"context"
	"fmt"
	"net/netip"
	"net/url"
	"strings"
	"sync"

	"github.com/ferrygw/ferry/internal/gatewayresponse"
	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/pipeline"
)

// Options are the facts a resource ARN is made of.
type Options struct {
	// Region goes into resource ARNs; empty means us-east-1.
	Region string
	// AccountID goes into resource ARNs; empty means 000000000000.
	AccountID string
}

// Factory returns the guard factory to put first in pipeline.Options.Guards.
// A method of an API with neither a resource policy nor an IP filter gets
// no guard.
func Factory(o Options) pipeline.GuardFactory {
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.AccountID == "" {
		o.AccountID = "000000000000"
	}
	c := &compiler{opt: o}
	return c.guard
}

// compiler keeps the last stage's parsed rules: a stage's methods are
// compiled one after another and share them, so the policy is parsed once
// per stage rather than once per method.
type compiler struct {
	opt Options

	mu    sync.Mutex
	api   *model.API
	stage string
	last  *rules
	err   error
}

type rules struct {
	doc    *Document
	filter *IPFilter
	target Target
}

func (c *compiler) rulesFor(api *model.API, stage string) (*rules, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.api == api && c.stage == stage {
		return c.last, c.err
	}
	c.api, c.stage = api, stage
	c.last, c.err = compile(api, stage, c.opt)
	return c.last, c.err
}

func compile(api *model.API, stage string, o Options) (*rules, error) {
	r := &rules{target: Target{Region: o.Region, AccountID: o.AccountID, APIID: api.RestAPI.ID}}
	if api.RestAPI.Policy != "" {
		doc, err := Parse(api.RestAPI.Policy)
		if err != nil {
			return nil, fmt.Errorf("resource policy: %w", err)
		}
		r.doc = doc
	}
	if raw, ok := api.Extensions[FilterExtension]; ok {
		f, err := ParseFilter(raw, stage)
		if err != nil {
			return nil, err
		}
		r.filter = f
	}
	if r.doc == nil && r.filter == nil {
		return nil, nil
	}
	return r, nil
}

func (c *compiler) guard(api *model.API, stage *model.Stage, _ *model.Resource, _ *model.Method) (pipeline.Guard, error) {
	r, err := c.rulesFor(api, stage.StageName)
	if err != nil || r == nil {
		return nil, err
	}
	return r.check, nil
}

func (r *rules) check(_ context.Context, g *pipeline.GuardRequest) error {
	ip, _ := netip.ParseAddr(g.Context.Identity.SourceIP)
	arn := resourceARN(r.target, g)
	if r.filter != nil {
		if d := r.filter.Decide(ip); d != Allowed {
			return denied(arn, r.target.AccountID, d)
		}
	}
	if r.doc != nil {
		if d := r.doc.Evaluate(r.target, Call{ResourceARN: arn, SourceIP: ip}); d != Allowed {
			return denied(arn, r.target.AccountID, d)
		}
	}
	return nil
}

// resourceARN names the call as API Gateway does: the request's own method
// and path (not the resource's template), the path without its leading slash.
func resourceARN(t Target, g *pipeline.GuardRequest) string {
	path := "/"
	if g.Entry != nil && g.Entry.Path != "" {
		path = g.Entry.Path
	}
	if p, err := url.PathUnescape(path); err == nil {
		path = p
	}
	method := g.HTTPMethod
	if g.HTTP != nil {
		method = g.HTTP.Method
	}
	return "arn:aws:execute-api:" + t.Region + ":" + t.AccountID + ":" + t.APIID + "/" + g.Stage + "/" + method + "/" + strings.TrimPrefix(path, "/")
}

// denied words the refusal as API Gateway does, account digits masked.
func denied(arn, account string, d Decision) error {
	masked := arn
	if len(account) > 4 {
		masked = strings.Replace(arn, ":"+account+":", ":"+strings.Repeat("*", len(account)-4)+account[len(account)-4:]+":", 1)
	}
	msg := "User: anonymous is not authorized to perform: execute-api:Invoke on resource: " + masked
	if d == ExplicitDeny {
		msg += " with an explicit deny"
	}
	return gatewayresponse.Newf(gatewayresponse.AccessDenied, "%s", msg)
}
