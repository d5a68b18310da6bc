package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/ferrygw/ferry/internal/admin"
)

func init() {
	register(&command{name: "apikey", summary: "manage API keys: create, list, get, enable, disable, delete", run: helpOK(runAPIKey)})
}

func runAPIKey(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("ferry apikey: want a subcommand: create, list, get, enable, disable or delete")
	}
	switch args[0] {
	case "create":
		return runAPIKeyCreate(ctx, env, args[1:])
	case "list":
		return runAPIKeyList(ctx, env, args[1:])
	case "get":
		return runAPIKeyGet(ctx, env, args[1:])
	case "enable":
		return runAPIKeySetEnabled(ctx, env, args[1:], true)
	case "disable":
		return runAPIKeySetEnabled(ctx, env, args[1:], false)
	case "delete":
		return runAPIKeyDelete(ctx, env, args[1:])
	}
	return fmt.Errorf("ferry apikey: unknown subcommand %q: want create, list, get, enable, disable or delete", args[0])
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
	fs, af := newFlags(env, "apikey list", "apikey list [--output json]")
	if _, err := parseArgs(fs, args, 0, 0); err != nil {
		return err
	}
	c, err := af.client(env)
	if err != nil {
		return err
	}
	if asJSON, _ := af.json(); asJSON {
		return printPath(ctx, env, c, admin.Path("apikeys"))
	}
	keys, err := c.ListAPIKeys(ctx)
	if err != nil {
		return err
	}
	rows := make([][]string, 0, len(keys))
	for _, k := range keys {
		rows = append(rows, []string{k.ID, k.Name, strconv.FormatBool(k.Enabled), orDash(k.CreatedDate)})
	}
	return table(env.stdout, []string{"ID", "NAME", "ENABLED", "CREATED"}, rows)
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
	fs, af := newFlags(env, "apikey delete", "apikey delete ID")
	pos, err := parseArgs(fs, args, 1, 1)
	if err != nil {
		return err
	}
	c, err := af.client(env)
	if err != nil {
		return err
	}
	if err := c.DeleteAPIKey(ctx, pos[0]); err != nil {
		return err
	}
	_, err = fmt.Fprintf(env.stdout, "deleted api key %s\n", pos[0])
	return err
}
