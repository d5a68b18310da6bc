package main

import (
	"context"
	"fmt"

	"github.com/ferrygw/ferry/internal/admin"
	"github.com/ferrygw/ferry/internal/model"
)

func init() {
	register(&command{name: "domain", summary: "manage custom domain names and their base path mappings", run: helpOK(runDomain)})
}

func runDomain(ctx context.Context, env *cliEnv, args []string) error {
	return dispatch(ctx, env, "domain", args, []subcommand{
		{"create", runDomainCreate}, {"map", runDomainMap}, {"list", runDomainList}, {"mappings", runDomainMappings},
	})
}

func runDomainCreate(ctx context.Context, env *cliEnv, args []string) error {
	fs, af := newFlags(env, "domain create", "domain create DOMAIN")
	pos, err := parseArgs(fs, args, 1, 1)
	if err != nil {
		return err
	}
	c, err := af.client(env)
	if err != nil {
		return err
	}
	d, err := c.CreateDomainName(ctx, pos[0])
	if err != nil {
		return err
	}
	if asJSON, _ := af.json(); asJSON {
		return printJSONValue(env, d)
	}
	_, err = fmt.Fprintln(env.stdout, d.DomainName)
	return err
}

func runDomainMap(ctx context.Context, env *cliEnv, args []string) error {
	fs, af := newFlags(env, "domain map", "domain map DOMAIN --base-path P --api ID --stage S")
	var in admin.CreateBasePathMappingInput
	fs.StringVar(&in.BasePath, "base-path", "", "base path under the domain; empty or (none) maps the whole domain")
	fs.StringVar(&in.RestAPIID, "api", "", "API id to serve; required")
	fs.StringVar(&in.Stage, "stage", "", "stage to serve; required")
	pos, err := parseArgs(fs, args, 1, 1)
	if err != nil {
		return err
	}
	if in.RestAPIID == "" || in.Stage == "" {
		return fmt.Errorf("ferry domain map: --api and --stage are required")
	}
	c, err := af.client(env)
	if err != nil {
		return err
	}
	m, err := c.CreateBasePathMapping(ctx, pos[0], &in)
	if err != nil {
		return err
	}
	if asJSON, _ := af.json(); asJSON {
		return printJSONValue(env, m)
	}
	_, err = fmt.Fprintf(env.stdout, "%s/%s -> %s stage %s\n", pos[0], m.BasePath, m.RestAPIID, m.Stage)
	return err
}

func runDomainList(ctx context.Context, env *cliEnv, args []string) error {
	return listing[*model.DomainName]{
		name: "domain list", usage: "domain list [--output json]",
		path: func([]string) string { return admin.Path("domainnames") },
		fetch: func(ctx context.Context, c *admin.Client, _ []string) ([]*model.DomainName, error) {
			return c.ListDomainNames(ctx)
		},
		header: []string{"DOMAIN", "CREATED"},
		row:    func(d *model.DomainName) []string { return []string{d.DomainName, orDash(d.CreatedDate)} },
	}.run(ctx, env, args)
}

func runDomainMappings(ctx context.Context, env *cliEnv, args []string) error {
	return listing[*model.BasePathMapping]{
		name: "domain mappings", usage: "domain mappings DOMAIN [--output json]", args: 1,
		path: func(pos []string) string { return admin.Path("domainnames", pos[0], "basepathmappings") },
		fetch: func(ctx context.Context, c *admin.Client, pos []string) ([]*model.BasePathMapping, error) {
			return c.ListBasePathMappings(ctx, pos[0])
		},
		header: []string{"BASE PATH", "API", "STAGE"},
		row:    func(m *model.BasePathMapping) []string { return []string{m.BasePath, m.RestAPIID, m.Stage} },
	}.run(ctx, env, args)
}
