package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/ferrygw/ferry/internal/admin"
)

func init() {
	register(&command{name: "test-invoke-authorizer", summary: "evaluate one authorizer of an API's current definition for a simulated call and show the execution log", run: helpOK(runTestInvokeAuthorizer)})
}

func runTestInvokeAuthorizer(ctx context.Context, env *cliEnv, args []string) error {
	fs, af := newFlags(env, "test-invoke-authorizer", "test-invoke-authorizer API_ID AUTHORIZER [--header K=V]... [--query K=V]... [--path PATH] [--stage-var K=V]... [--context K=V]...")
	var query, headers pairsFlag
	var stageVars, extra kvFlag
	fs.Var(&headers, "header", "K=V request header, where the token or identity goes (repeatable, repeats allowed)")
	fs.Var(&query, "query", "K=V query-string parameter (repeatable, repeats allowed)")
	path := fs.String("path", "/", "the called path, which the method ARN and a REQUEST authorizer's event are built from")
	fs.Var(&stageVars, "stage-var", "K=V stage variable (repeatable)")
	fs.Var(&extra, "context", "K=V $context value such as identity.sourceIp (repeatable)")
	pos, err := parseArgs(fs, args, 2, 2)
	if err != nil {
		return err
	}
	// AUTHORIZER is the id API Gateway would take, or the authorizer's name
	// as the OpenAPI document gives it, since import makes the ids up.
	apiID, auth := pos[0], pos[1]
	in := &admin.TestInvokeAuthorizerInput{PathWithQueryString: withQuery(*path, query),
		StageVariables: stageVars.m, AdditionalContext: extra.m}
	for i, k := range headers.names {
		if in.MultiValueHeaders == nil {
			in.MultiValueHeaders = map[string][]string{}
		}
		in.MultiValueHeaders[k] = append(in.MultiValueHeaders[k], headers.values[i])
	}
	asJSON, err := af.json()
	if err != nil {
		return err
	}
	c, err := af.client(env)
	if err != nil {
		return err
	}
	out, err := c.TestInvokeAuthorizer(ctx, apiID, auth, in)
	if err != nil {
		return err
	}
	if asJSON {
		return printJSONValue(env, out)
	}
	return printAuthorizerInvoke(env, out)
}

func printAuthorizerInvoke(env *cliEnv, out *admin.TestInvokeAuthorizerOutput) error {
	w := env.stdout
	verdict := "allowed"
	if out.ClientStatus != 0 {
		verdict = "refused"
	}
	fmt.Fprintf(w, "Client status: %d (%s)\nLatency: %d ms\n", out.ClientStatus, verdict, out.Latency)
	if out.PrincipalID != "" {
		fmt.Fprintf(w, "Principal: %s\n", out.PrincipalID)
	}
	if out.Policy != "" {
		fmt.Fprintf(w, "Policy: %s\n", out.Policy)
	}
	if len(out.Authorization) > 0 {
		fmt.Fprintln(w, "Context:")
		for _, k := range sortedKeys(out.Authorization) {
			fmt.Fprintf(w, "  %s: %s\n", k, strings.Join(out.Authorization[k], ","))
		}
	}
	if len(out.Claims) > 0 {
		fmt.Fprintln(w, "Claims:")
		for _, k := range sortedKeys(out.Claims) {
			fmt.Fprintf(w, "  %s: %s\n", k, out.Claims[k])
		}
	}
	_, err := fmt.Fprintf(w, "Log:\n%s\n", strings.TrimRight(out.Log, "\n"))
	return err
}
