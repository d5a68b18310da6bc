package oas

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ferrygw/ferry/internal/model"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// fullOpts are the options every valid testdata file imports with.
var fullOpts = ImportOptions{
	Region:    "eu-west-1",
	AccountID: "123456789012",
	Vars: map[string]string{
		"TopicArn":        "arn:aws:sns:eu-west-1:123456789012:orders",
		"**<TOPIC-ARN>**": "arn:aws:sns:eu-west-1:123456789012:orders",
		"FunctionName":    "root-handler",
	},
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func importFile(t testing.TB, name string) *model.API {
	t.Helper()
	opt := fullOpts
	opt.Filename = name
	api, err := Import(readTestdata(t, name), opt)
	if err != nil {
		t.Fatalf("import %s: %v", name, err)
	}
	return api
}

var (
	apiIDForm   = regexp.MustCompile(`^[a-z0-9]{10}$`)
	childIDForm = regexp.MustCompile(`^[a-z0-9]{6}$`)
)

// normalize replaces the random ids of an imported API with names derived
// from what they identify, after checking their form and uniqueness, so two
// imports of the same document compare equal and golden files are stable.
func normalize(t testing.TB, api *model.API) *model.API {
	t.Helper()
	c, err := api.Clone()
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	name := func(id, as string, form *regexp.Regexp) {
		if !form.MatchString(id) {
			t.Errorf("id %q of %s does not have API Gateway's form", id, as)
		}
		if prev, dup := ids[id]; dup {
			t.Errorf("id %q used by both %s and %s", id, prev, as)
		}
		ids[id] = as
	}
	apiID := c.RestAPI.ID
	name(apiID, "API", apiIDForm)
	for _, r := range c.Resources {
		name(r.ID, "resource "+r.Path, childIDForm)
	}
	for _, m := range c.Models {
		name(m.ID, "model "+m.Name, childIDForm)
	}
	for _, v := range c.RequestValidators {
		name(v.ID, "validator "+v.Name, childIDForm)
	}
	for _, a := range c.Authorizers {
		name(a.ID, "authorizer "+a.Name, childIDForm)
	}
	ref := func(id string) string {
		if id == "" {
			return ""
		}
		n, ok := ids[id]
		if !ok {
			t.Errorf("reference to unknown id %q", id)
		}
		return "<" + n + ">"
	}
	if c.RestAPI.CreatedDate == "" {
		t.Error("createdDate not set")
	}
	c.RestAPI.CreatedDate = ""
	c.RestAPI.RootResourceID = ref(c.RestAPI.RootResourceID)
	c.RestAPI.ID = ref(c.RestAPI.ID)
	for _, r := range c.Resources {
		r.ID, r.ParentID = ref(r.ID), ref(r.ParentID)
		for _, m := range r.ResourceMethods {
			m.AuthorizerID = ref(m.AuthorizerID)
			m.RequestValidatorID = ref(m.RequestValidatorID)
		}
	}
	for _, m := range c.Models {
		m.ID = ref(m.ID)
		m.Schema = strings.ReplaceAll(m.Schema, "/restapis/"+apiID+"/", "/restapis/<API>/")
	}
	for _, v := range c.RequestValidators {
		v.ID = ref(v.ID)
	}
	for _, a := range c.Authorizers {
		a.ID = ref(a.ID)
	}
	return c
}

func indentJSON(t testing.TB, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test -update and review the diff\n--- got\n%s", path, got)
	}
}
