package main

import (
	"context"
	"fmt"

	"github.com/ferrygw/ferry/internal/admin"
)

func init() {
	register(&command{name: "deploy", summary: "snapshot an API and point a stage at it", run: helpOK(runDeploy)})
}

// runDeploy prints the deployment id alone, for scripts.
func runDeploy(ctx context.Context, env *cliEnv, args []string) error {
	fs, af := newFlags(env, "deploy", "deploy API_ID --stage NAME [--stage-var K=V]... [--description D]")
	var in admin.CreateDeploymentInput
	var vars kvFlag
	fs.StringVar(&in.StageName, "stage", "", "stage to deploy to (created when missing); required")
	fs.Var(&vars, "stage-var", "K=V stage variable to set on the stage (repeatable)")
	fs.StringVar(&in.Description, "description", "", "description of the deployment")
	fs.StringVar(&in.StageDescription, "stage-description", "", "description of the stage when this creates it")
	pos, err := parseArgs(fs, args, 1, 1)
	if err != nil {
		return err
	}
	if in.StageName == "" {
		return fmt.Errorf("ferry deploy: --stage is required")
	}
	in.Variables = vars.m
	c, err := af.client(env)
	if err != nil {
		return err
	}
	d, err := c.CreateDeployment(ctx, pos[0], &in)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(env.stdout, d.ID)
	return err
}
