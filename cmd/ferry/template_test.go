package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTemplateRender(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("t.vtl", `{"id": "$input.params('id')", "name": $input.json('$.name'), "stage": "$context.stage"}`)
	event := write("e.json", `{"body": "{\"name\":\"Ann\"}", "pathParameters": {"id": "7"}, "requestContext": {"stage": "dev"}}`)
	body := write("b.json", `{"name":"Bob"}`)
	bad := write("bad.vtl", "line one\n#foreach($x in [1])\n")
	tests := []struct {
		name       string
		args       []string
		code       int
		stdout     string
		stderrPart string
	}{
		{"event", []string{"template", "render", "--template", good, "--event", event}, 0, `{"id": "7", "name": "Ann", "stage": "dev"}`, ""},
		{"body overrides event", []string{"template", "render", "--template", good, "--event", event, "--body", body}, 0, `{"id": "7", "name": "Bob", "stage": "dev"}`, ""},
		{"body only", []string{"template", "render", "--template", good, "--body", body}, 0, `{"id": "", "name": "Bob", "stage": ""}`, ""},
		{"parse error", []string{"template", "render", "--template", bad}, 1, "", bad + ":3:1: #foreach at 2:1 has no #end"},
		{"missing flag", []string{"template", "render"}, 1, "", "usage: ferry template render"},
		{"missing file", []string{"template", "render", "--template", filepath.Join(dir, "nope.vtl")}, 1, "", "nope.vtl"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			env := &cliEnv{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
			code := runCLI(context.Background(), env, tc.args)
			if code != tc.code {
				t.Fatalf("exit %d, want %d (stderr %q)", code, tc.code, errb.String())
			}
			if out.String() != tc.stdout {
				t.Errorf("stdout %q, want %q", out.String(), tc.stdout)
			}
			if !strings.Contains(errb.String(), tc.stderrPart) {
				t.Errorf("stderr %q does not contain %q", errb.String(), tc.stderrPart)
			}
		})
	}
}
