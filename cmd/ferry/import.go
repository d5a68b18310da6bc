package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/ferrygw/ferry/internal/admin"
)

func init() {
	register(&command{name: "import", summary: "import an OpenAPI document as a new API, or over an existing one (--api-id)", run: helpOK(runImport)})
}

// runImport prints the API id alone so scripts can write
// `id=$(ferry import api.yaml)`.
func runImport(ctx context.Context, env *cliEnv, args []string) error {
	fs, af := newFlags(env, "import", "import FILE [--name N] [--var NAME=VALUE]... [--region R] [--account-id ID] [--api-id ID]")
	var opts admin.ImportOptions
	var vars kvFlag
	var apiID string
	fs.StringVar(&opts.Name, "name", "", "API name (default: the document's info.title)")
	fs.Var(&vars, "var", "NAME=VALUE filling ${NAME} in the document (repeatable)")
	fs.StringVar(&opts.Region, "region", "", "AWS region for ${AWS::Region} in integration URIs")
	fs.StringVar(&opts.AccountID, "account-id", "", "AWS account id for ${AWS::AccountId} in integration URIs")
	fs.StringVar(&apiID, "api-id", "", "overwrite this API instead of creating one (it keeps its id, stages and deployments)")
	fs.BoolVar(&opts.FailOnWarnings, "fail-on-warnings", false, "reject a document that would import with warnings")
	pos, err := parseArgs(fs, args, 1, 1)
	if err != nil {
		return err
	}
	file := pos[0]
	doc, err := readInput(env, file)
	if err != nil {
		return err
	}
	opts.Vars = vars.m
	opts.Filename = file
	c, err := af.client(env)
	if err != nil {
		return err
	}
	var id string
	if apiID != "" {
		api, err := c.OverwriteAPI(ctx, apiID, doc, opts)
		if err != nil {
			return err
		}
		id = api.ID
	} else {
		api, err := c.ImportAPI(ctx, doc, opts)
		if err != nil {
			return err
		}
		id = api.ID
	}
	_, err = fmt.Fprintln(env.stdout, id)
	return err
}

// readInput reads a named file, or stdin for "-".
func readInput(env *cliEnv, file string) ([]byte, error) {
	if file == "-" {
		b, err := io.ReadAll(env.stdin)
		if err != nil {
			return nil, fmt.Errorf("reading stdin: %w", err)
		}
		return b, nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return b, nil
}
