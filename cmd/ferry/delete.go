package main

import (
	"context"
	"fmt"
)

func init() {
	register(&command{name: "delete", summary: "delete an api, stage, deployment, domain or mapping", run: helpOK(runDelete)})
}

// deleteKinds lists what can be deleted and the arguments each takes.
var deleteKinds = map[string]struct {
	args string
	n    int
}{
	"api":        {"API_ID", 1},
	"stage":      {"API_ID STAGE", 2},
	"deployment": {"API_ID DEPLOYMENT_ID", 2},
	"domain":     {"DOMAIN", 1},
	"mapping":    {"DOMAIN BASE_PATH", 2},
}

func runDelete(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("ferry delete: want what to delete: api, stage, deployment, domain or mapping")
	}
	kind, ok := deleteKinds[args[0]]
	if !ok {
		return fmt.Errorf("ferry delete: unknown kind %q: want api, stage, deployment, domain or mapping", args[0])
	}
	fs, af := newFlags(env, "delete "+args[0], "delete "+args[0]+" "+kind.args)
	pos, err := parseArgs(fs, args[1:], kind.n, kind.n)
	if err != nil {
		return err
	}
	c, err := af.client(env)
	if err != nil {
		return err
	}
	switch args[0] {
	case "api":
		return c.DeleteAPI(ctx, pos[0])
	case "stage":
		return c.DeleteStage(ctx, pos[0], pos[1])
	case "deployment":
		return c.DeleteDeployment(ctx, pos[0], pos[1])
	case "domain":
		return c.DeleteDomainName(ctx, pos[0])
	default:
		return c.DeleteBasePathMapping(ctx, pos[0], pos[1])
	}
}
