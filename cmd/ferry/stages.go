package main

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/ferrygw/ferry/internal/admin"
	"github.com/ferrygw/ferry/internal/model"
)

func init() {
	register(&command{name: "stages", summary: "list an API's stages", run: helpOK(runStages)})
	register(&command{name: "deployments", summary: "list an API's deployments", run: helpOK(runDeployments)})
	register(&command{name: "authorizers", summary: "list an API's authorizers (their ids, for test-invoke-authorizer)", run: helpOK(runAuthorizers)})
	register(&command{name: "stage", summary: "take a stage offline or online, or roll it back to an earlier deployment", run: helpOK(runStage)})
}

func runStages(ctx context.Context, env *cliEnv, args []string) error {
	return listing[*model.Stage]{
		name: "stages", usage: "stages API_ID [--output json]", args: 1,
		path: func(pos []string) string { return admin.Path("restapis", pos[0], "stages") },
		fetch: func(ctx context.Context, c *admin.Client, pos []string) ([]*model.Stage, error) {
			return c.ListStages(ctx, pos[0])
		},
		header: []string{"STAGE", "DEPLOYMENT", "STATE", "VARIABLES", "UPDATED"},
		row: func(st *model.Stage) []string {
			state := "online"
			if st.Offline {
				state = "offline"
			}
			return []string{st.StageName, st.DeploymentID, state, formatVars(st.Variables), orDash(st.LastUpdatedDate)}
		},
	}.run(ctx, env, args)
}

func runAuthorizers(ctx context.Context, env *cliEnv, args []string) error {
	return listing[*model.Authorizer]{
		name: "authorizers", usage: "authorizers API_ID [--output json]", args: 1,
		path: func(pos []string) string { return admin.Path("restapis", pos[0], "authorizers") },
		fetch: func(ctx context.Context, c *admin.Client, pos []string) ([]*model.Authorizer, error) {
			return c.ListAuthorizers(ctx, pos[0])
		},
		header: []string{"ID", "NAME", "TYPE", "IDENTITY SOURCE", "TTL"},
		row: func(a *model.Authorizer) []string {
			ttl := "-"
			if a.AuthorizerResultTTLInSeconds != nil {
				ttl = fmt.Sprintf("%ds", *a.AuthorizerResultTTLInSeconds)
			}
			return []string{a.ID, a.Name, a.Type, orDash(a.IdentitySource), ttl}
		},
	}.run(ctx, env, args)
}

func formatVars(vars map[string]string) string {
	if len(vars) == 0 {
		return "-"
	}
	parts := make([]string, 0, len(vars))
	for _, k := range sortedKeys(vars) {
		parts = append(parts, k+"="+vars[k])
	}
	return strings.Join(parts, ",")
}

// printPath prints a GET answer verbatim (--output json).
func printPath(ctx context.Context, env *cliEnv, c *admin.Client, path string) error {
	b, err := c.Do(ctx, http.MethodGet, path, nil, nil)
	if err != nil {
		return err
	}
	return printRaw(env.stdout, b)
}

func runDeployments(ctx context.Context, env *cliEnv, args []string) error {
	fs, af := newFlags(env, "deployments", "deployments API_ID [--output json]")
	pos, err := parseArgs(fs, args, 1, 1)
	if err != nil {
		return err
	}
	c, err := af.client(env)
	if err != nil {
		return err
	}
	if asJSON, _ := af.json(); asJSON {
		return printPath(ctx, env, c, admin.Path("restapis", pos[0], "deployments"))
	}
	ds, err := c.ListDeployments(ctx, pos[0])
	if err != nil {
		return err
	}
	sts, err := c.ListStages(ctx, pos[0])
	if err != nil {
		return err
	}
	servedBy := map[string][]string{}
	for _, st := range sts {
		servedBy[st.DeploymentID] = append(servedBy[st.DeploymentID], st.StageName)
	}
	sortDeployments(ds)
	rows := make([][]string, 0, len(ds))
	for i := len(ds) - 1; i >= 0; i-- { // newest first
		d := ds[i]
		rows = append(rows, []string{d.ID, d.CreatedDate, orDash(strings.Join(servedBy[d.ID], ",")), orDash(d.Description)})
	}
	return table(env.stdout, []string{"ID", "CREATED", "STAGES", "DESCRIPTION"}, rows)
}

// sortDeployments orders deployments oldest first by creation time, keeping
// the store's order for equal times. Times are compared parsed: RFC 3339
// strings with fractional seconds do not sort as text.
func sortDeployments(ds []*model.Deployment) {
	at := func(d *model.Deployment) time.Time {
		t, _ := time.Parse(time.RFC3339Nano, d.CreatedDate)
		return t
	}
	sort.SliceStable(ds, func(i, j int) bool { return at(ds[i]).Before(at(ds[j])) })
}

func runStage(ctx context.Context, env *cliEnv, args []string) error {
	offline := func(word string) func(context.Context, *cliEnv, []string) error {
		return func(ctx context.Context, env *cliEnv, args []string) error {
			return runStageOffline(ctx, env, word, args)
		}
	}
	return dispatch(ctx, env, "stage", args, []subcommand{
		{"offline", offline("offline")}, {"online", offline("online")}, {"rollback", runStageRollback},
	})
}

func runStageOffline(ctx context.Context, env *cliEnv, word string, args []string) error {
	fs, af := newFlags(env, "stage "+word, "stage "+word+" API_ID STAGE")
	pos, err := parseArgs(fs, args, 2, 2)
	if err != nil {
		return err
	}
	c, err := af.client(env)
	if err != nil {
		return err
	}
	st, err := c.SetStageOffline(ctx, pos[0], pos[1], word == "offline")
	if err != nil {
		return err
	}
	if asJSON, _ := af.json(); asJSON {
		return printJSONValue(env, st)
	}
	_, err = fmt.Fprintf(env.stdout, "stage %s of %s is %s\n", st.StageName, pos[0], word)
	return err
}

// runStageRollback points a stage at an earlier deployment and prints that
// deployment's id. Without --to it picks the newest deployment older than
// the one the stage serves now, so repeated rollbacks walk back in time.
func runStageRollback(ctx context.Context, env *cliEnv, args []string) error {
	fs, af := newFlags(env, "stage rollback", "stage rollback API_ID STAGE [--to DEPLOYMENT_ID]")
	to := fs.String("to", "", "deployment to serve (default: the newest deployment older than the current one)")
	pos, err := parseArgs(fs, args, 2, 2)
	if err != nil {
		return err
	}
	apiID, stage := pos[0], pos[1]
	c, err := af.client(env)
	if err != nil {
		return err
	}
	target := *to
	if target == "" {
		if target, err = previousDeployment(ctx, c, apiID, stage); err != nil {
			return err
		}
	}
	st, err := c.UpdateStage(ctx, apiID, stage, admin.PatchOperation{Op: "replace", Path: "/deploymentId", Value: target})
	if err != nil {
		return err
	}
	if asJSON, _ := af.json(); asJSON {
		return printJSONValue(env, st)
	}
	_, err = fmt.Fprintln(env.stdout, st.DeploymentID)
	return err
}

func previousDeployment(ctx context.Context, c *admin.Client, apiID, stage string) (string, error) {
	st, err := c.GetStage(ctx, apiID, stage)
	if err != nil {
		return "", err
	}
	ds, err := c.ListDeployments(ctx, apiID)
	if err != nil {
		return "", err
	}
	sortDeployments(ds)
	for i, d := range ds {
		if d.ID != st.DeploymentID {
			continue
		}
		if i == 0 {
			return "", fmt.Errorf("stage %s of %s serves %s, the oldest deployment; there is nothing to roll back to", stage, apiID, d.ID)
		}
		return ds[i-1].ID, nil
	}
	return "", fmt.Errorf("stage %s of %s serves deployment %s, which is not in the API's deployment list", stage, apiID, st.DeploymentID)
}
