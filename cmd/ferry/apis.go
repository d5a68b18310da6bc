package main

import (
	"context"

	"github.com/ferrygw/ferry/internal/admin"
	"github.com/ferrygw/ferry/internal/model"
)

func init() {
	register(&command{name: "apis", summary: "list the REST APIs", run: helpOK(runAPIs)})
}

func runAPIs(ctx context.Context, env *cliEnv, args []string) error {
	return listing[model.RestAPI]{
		name: "apis", usage: "apis [--output json]",
		path: func([]string) string { return admin.Path("restapis") },
		fetch: func(ctx context.Context, c *admin.Client, _ []string) ([]model.RestAPI, error) {
			return c.ListAPIs(ctx)
		},
		header: []string{"ID", "NAME", "VERSION", "CREATED"},
		row: func(a model.RestAPI) []string {
			return []string{a.ID, a.Name, orDash(a.Version), orDash(a.CreatedDate)}
		},
	}.run(ctx, env, args)
}
