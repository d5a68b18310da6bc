package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/ferrygw/ferry/internal/admin"
	"github.com/ferrygw/ferry/internal/model"
)

func init() {
	register(&command{name: "get-integration", summary: "print a method's integration, as `aws apigateway get-integration` does", run: helpOK(runGetIntegration)})
}

func runGetIntegration(ctx context.Context, env *cliEnv, args []string) error {
	fs, af := newFlags(env, "get-integration", "get-integration API_ID METHOD PATH [--output json]")
	pos, err := parseArgs(fs, args, 3, 3)
	if err != nil {
		return err
	}
	c, err := af.client(env)
	if err != nil {
		return err
	}
	apiID, verb := pos[0], strings.ToUpper(pos[1])
	res, err := resolveResource(ctx, c, apiID, pos[2])
	if err != nil {
		return err
	}
	b, err := c.Do(ctx, "GET", admin.Path("restapis", apiID, "resources", res.ID, "methods", verb, "integration"), nil, nil)
	if err != nil {
		return err
	}
	if asJSON, _ := af.json(); asJSON {
		return printRaw(env.stdout, b)
	}
	return printIndented(env.stdout, b)
}

// resolveResource finds the resource a user means by PATH: either a
// resource's own path ("/pets/{petId}") or a concrete request path
// ("/pets/7"), matched as API Gateway routes, most specific first.
func resolveResource(ctx context.Context, c *admin.Client, apiID, path string) (*model.Resource, error) {
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if len(path) > 1 {
		path = strings.TrimSuffix(path, "/")
	}
	rs, err := c.ListResources(ctx, apiID, false)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		if r.Path == path {
			return r, nil
		}
	}
	var best *model.Resource
	bestScore := -1
	for _, r := range rs {
		if score, ok := matchPath(r.Path, path); ok && score > bestScore {
			best, bestScore = r, score
		}
	}
	if best == nil {
		return nil, fmt.Errorf("API %s has no resource matching %s", apiID, path)
	}
	return best, nil
}

// matchPath matches a concrete path against a resource path template. The
// score ranks literal segments above {param} above {proxy+}, as API Gateway
// prefers the most specific resource.
func matchPath(template, path string) (score int, ok bool) {
	ts := strings.Split(strings.Trim(template, "/"), "/")
	ps := strings.Split(strings.Trim(path, "/"), "/")
	if template == "/" {
		ts = nil
	}
	if path == "/" {
		ps = nil
	}
	for i, t := range ts {
		greedy := strings.HasPrefix(t, "{") && strings.HasSuffix(t, "+}")
		if greedy {
			return score, i == len(ts)-1 && len(ps) > i
		}
		if i >= len(ps) {
			return 0, false
		}
		switch {
		case strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}"):
			score += 2
		case t == ps[i]:
			score += 3
		default:
			return 0, false
		}
	}
	return score, len(ts) == len(ps)
}
