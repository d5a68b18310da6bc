package main

import (
	"context"
	"net/http"

	"github.com/ferrygw/ferry/internal/admin"
)

func init() {
	register(&command{name: "apis", summary: "list the REST APIs", run: helpOK(runAPIs)})
}

func runAPIs(ctx context.Context, env *cliEnv, args []string) error {
	fs, af := newFlags(env, "apis", "apis [--output json]")
	if _, err := parseArgs(fs, args, 0, 0); err != nil {
		return err
	}
	c, err := af.client(env)
	if err != nil {
		return err
	}
	if asJSON, _ := af.json(); asJSON {
		b, err := c.Do(ctx, http.MethodGet, admin.Path("restapis"), nil, nil)
		if err != nil {
			return err
		}
		return printRaw(env.stdout, b)
	}
	apis, err := c.ListAPIs(ctx)
	if err != nil {
		return err
	}
	rows := make([][]string, 0, len(apis))
	for _, a := range apis {
		rows = append(rows, []string{a.ID, a.Name, orDash(a.Version), orDash(a.CreatedDate)})
	}
	return table(env.stdout, []string{"ID", "NAME", "VERSION", "CREATED"}, rows)
}
