package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/ferrygw/ferry/internal/admin"
)

func init() {
	register(&command{name: "test-invoke", summary: "run one request through a method of an API's current definition and show the execution log", run: helpOK(runTestInvoke)})
}

func runTestInvoke(ctx context.Context, env *cliEnv, args []string) error {
	fs, af := newFlags(env, "test-invoke", "test-invoke API_ID METHOD PATH [--query K=V]... [--header K=V]... [--body FILE] [--stage-var K=V]...")
	var query, headers pairsFlag
	var stageVars kvFlag
	fs.Var(&query, "query", "K=V query-string parameter (repeatable, repeats allowed)")
	fs.Var(&headers, "header", "K=V request header (repeatable, repeats allowed)")
	bodyFile := fs.String("body", "", "file holding the request body (- for stdin)")
	fs.Var(&stageVars, "stage-var", "K=V stage variable (repeatable)")
	pos, err := parseArgs(fs, args, 3, 3)
	if err != nil {
		return err
	}
	apiID, verb, path := pos[0], strings.ToUpper(pos[1]), pos[2]
	in := &admin.TestInvokeInput{StageVariables: stageVars.m}
	if *bodyFile != "" {
		b, err := readInput(env, *bodyFile)
		if err != nil {
			return err
		}
		in.Body = string(b)
	}
	for i, k := range headers.names {
		if in.MultiValueHeaders == nil {
			in.MultiValueHeaders = map[string][]string{}
		}
		in.MultiValueHeaders[k] = append(in.MultiValueHeaders[k], headers.values[i])
	}
	c, err := af.client(env)
	if err != nil {
		return err
	}
	res, err := resolveResource(ctx, c, apiID, path)
	if err != nil {
		return err
	}
	in.PathWithQueryString = withQuery(path, query)
	out, err := c.TestInvoke(ctx, apiID, res.ID, verb, in)
	if err != nil {
		return err
	}
	if asJSON, _ := af.json(); asJSON {
		return printJSONValue(env, out)
	}
	return printInvoke(env, out)
}

// withQuery appends --query pairs to the path, keeping any query the path
// already had.
func withQuery(path string, q pairsFlag) string {
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	if len(q.names) == 0 {
		return path
	}
	v := url.Values{}
	for i, k := range q.names {
		v.Add(k, q.values[i])
	}
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + v.Encode()
}

func printInvoke(env *cliEnv, out *admin.TestInvokeOutput) error {
	w := env.stdout
	fmt.Fprintf(w, "Status: %d\nLatency: %d ms\nHeaders:\n", out.Status, out.Latency)
	if len(out.MultiValueHeaders) > 0 {
		for _, k := range sortedKeys(out.MultiValueHeaders) {
			for _, v := range out.MultiValueHeaders[k] {
				fmt.Fprintf(w, "  %s: %s\n", k, v)
			}
		}
	} else {
		for _, k := range sortedKeys(out.Headers) {
			fmt.Fprintf(w, "  %s: %s\n", k, out.Headers[k])
		}
	}
	fmt.Fprintf(w, "Body:\n%s\n", out.Body)
	_, err := fmt.Fprintf(w, "Log:\n%s\n", strings.TrimRight(out.Log, "\n"))
	return err
}
