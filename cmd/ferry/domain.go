package main

import (
	"context"
	"fmt"

	"github.com/ferrygw/ferry/internal/admin"
)

func init() {
	register(&command{name: "domain", summary: "manage custom domain names and their base path mappings", run: helpOK(runDomain)})
}

func runDomain(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("ferry domain: want a subcommand: create, map, list or mappings")
	}
	switch args[0] {
	case "create":
		return runDomainCreate(ctx, env, args[1:])
	case "map":
		return runDomainMap(ctx, env, args[1:])
	case "list":
		return runDomainList(ctx, env, args[1:])
	case "mappings":
		return runDomainMappings(ctx, env, args[1:])
	}
	return fmt.Errorf("ferry domain: unknown subcommand %q: want create, map, list or mappings", args[0])
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
	fs, af := newFlags(env, "domain list", "domain list [--output json]")
	if _, err := parseArgs(fs, args, 0, 0); err != nil {
		return err
	}
	c, err := af.client(env)
	if err != nil {
		return err
	}
	if asJSON, _ := af.json(); asJSON {
		return printPath(ctx, env, c, admin.Path("domainnames"))
	}
	ds, err := c.ListDomainNames(ctx)
	if err != nil {
		return err
	}
	rows := make([][]string, 0, len(ds))
	for _, d := range ds {
		rows = append(rows, []string{d.DomainName, orDash(d.CreatedDate)})
	}
	return table(env.stdout, []string{"DOMAIN", "CREATED"}, rows)
}

func runDomainMappings(ctx context.Context, env *cliEnv, args []string) error {
	fs, af := newFlags(env, "domain mappings", "domain mappings DOMAIN [--output json]")
	pos, err := parseArgs(fs, args, 1, 1)
	if err != nil {
		return err
	}
	c, err := af.client(env)
	if err != nil {
		return err
	}
	if asJSON, _ := af.json(); asJSON {
		return printPath(ctx, env, c, admin.Path("domainnames", pos[0], "basepathmappings"))
	}
	ms, err := c.ListBasePathMappings(ctx, pos[0])
	if err != nil {
		return err
	}
	rows := make([][]string, 0, len(ms))
	for _, m := range ms {
		rows = append(rows, []string{m.BasePath, m.RestAPIID, m.Stage})
	}
	return table(env.stdout, []string{"BASE PATH", "API", "STAGE"}, rows)
}
