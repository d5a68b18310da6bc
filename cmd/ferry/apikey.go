package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/ferrygw/ferry/internal/admin"
	"github.com/ferrygw/ferry/internal/model"
)

func init() {
	register(&command{name: "apikey", summary: "manage API keys: create, list, get, enable, disable, delete", run: helpOK(runAPIKey)})
}

func runAPIKey(ctx context.Context, env *cliEnv, args []string) error {
	enabled := func(on bool) func(context.Context, *cliEnv, []string) error {
		return func(ctx context.Context, env *cliEnv, args []string) error {
			return runAPIKeySetEnabled(ctx, env, args, on)
		}
	}
	return dispatch(ctx, env, "apikey", args, []subcommand{
		{"create", runAPIKeyCreate}, {"list", runAPIKeyList}, {"get", runAPIKeyGet},
		{"enable", enabled(true)}, {"disable", enabled(false)}, {"delete", runAPIKeyDelete},
	})
}

// runAPIKeyCreate prints the new key's id alone, so scripts can capture
// it; the value is read back with `ferry apikey get ID --include-value`,
// which needs a token with the secrets scope.
func runAPIKeyCreate(ctx context.Context, env *cliEnv, args []string) error {
	fs, af := newFlags(env, "apikey create", "apikey create NAME [--value V] [--description D] [--disabled]")
	in := admin.CreateAPIKeyInput{}
	fs.StringVar(&in.Value, "value", "", "the key's value, 20 to 128 printable characters; empty generates 40 random letters and digits")
	fs.StringVar(&in.Description, "description", "", "free text")
	disabled := fs.Bool("disabled", false, "create the key disabled")
	pos, err := parseArgs(fs, args, 1, 1)
	if err != nil {
		return err
	}
	in.Name, in.Enabled = pos[0], !*disabled
	c, err := af.client(env)
	if err != nil {
		return err
	}
	k, err := c.CreateAPIKey(ctx, &in)
	if err != nil {
		return err
	}
	// The answer carries the value only for a token with the secrets scope.
	if asJSON, _ := af.json(); asJSON {
		return printJSONValue(env, k)
	}
	_, err = fmt.Fprintln(env.stdout, k.ID)
	return err
}

func runAPIKeyList(ctx context.Context, env *cliEnv, args []string) error {
	return listing[*model.APIKey]{
		name: "apikey list", usage: "apikey list [--output json]",
		path: func([]string) string { return admin.Path("apikeys") },
		fetch: func(ctx context.Context, c *admin.Client, _ []string) ([]*model.APIKey, error) {
			return c.ListAPIKeys(ctx)
		},
		header: []string{"ID", "NAME", "ENABLED", "CREATED"},
		row: func(k *model.APIKey) []string {
			return []string{k.ID, k.Name, strconv.FormatBool(k.Enabled), orDash(k.CreatedDate)}
		},
	}.run(ctx, env, args)
}

func runAPIKeyGet(ctx context.Context, env *cliEnv, args []string) error {
	fs, af := newFlags(env, "apikey get", "apikey get ID [--include-value] [--output json]")
	include := fs.Bool("include-value", false, "show the key's value (the token needs the secrets scope)")
	pos, err := parseArgs(fs, args, 1, 1)
	if err != nil {
		return err
	}
	c, err := af.client(env)
	if err != nil {
		return err
	}
	k, err := c.GetAPIKey(ctx, pos[0], *include)
	if err != nil {
		return err
	}
	if asJSON, _ := af.json(); asJSON {
		return printJSONValue(env, k)
	}
	rows := [][]string{{"id", k.ID}, {"name", k.Name}, {"enabled", strconv.FormatBool(k.Enabled)},
		{"description", orDash(k.Description)}, {"created", orDash(k.CreatedDate)}}
	if *include {
		rows = append(rows, []string{"value", k.Value})
	}
	return table(env.stdout, []string{"FIELD", "VALUE"}, rows)
}

func runAPIKeySetEnabled(ctx context.Context, env *cliEnv, args []string, enabled bool) error {
	verb := map[bool]string{true: "enable", false: "disable"}[enabled]
	fs, af := newFlags(env, "apikey "+verb, "apikey "+verb+" ID")
	pos, err := parseArgs(fs, args, 1, 1)
	if err != nil {
		return err
	}
	c, err := af.client(env)
	if err != nil {
		return err
	}
	k, err := c.UpdateAPIKey(ctx, pos[0], admin.PatchOperation{Op: "replace", Path: "/enabled", Value: strconv.FormatBool(enabled)})
	if err != nil {
		return err
	}
	if asJSON, _ := af.json(); asJSON {
		return printJSONValue(env, k)
	}
	_, err = fmt.Fprintf(env.stdout, "api key %s %sd\n", k.ID, verb)
	return err
}

func runAPIKeyDelete(ctx context.Context, env *cliEnv, args []string) error {
	return action{name: "apikey delete", usage: "apikey delete ID", args: 1,
		do: func(ctx context.Context, c *admin.Client, pos []string) (string, error) {
			return "deleted api key " + pos[0], c.DeleteAPIKey(ctx, pos[0])
		}}.run(ctx, env, args)
}
