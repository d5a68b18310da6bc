package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/ferrygw/ferry/internal/admin"
	"github.com/ferrygw/ferry/internal/awsauth"
	"github.com/ferrygw/ferry/internal/kvm"
	"github.com/ferrygw/ferry/internal/model"
)

func init() {
	register(&command{name: "kvm", summary: "manage key-value maps and their encrypted secrets", run: helpOK(runKVM)})
}

const kvmUsage = `Usage: ferry kvm SUBCOMMAND [ARGS] [--scope global|api:ID|stage:ID/NAME]

Subcommands:
  create MAP [--encrypted]                      create a map; values of an encrypted map are secrets
  put MAP KEY --from-stdin | --from-file FILE   store a value, byte for byte (a trailing newline included)
  get MAP KEY [--metadata]                      print the value, or only the metadata
  list [MAP]                                    list the maps of a scope, or the keys of a map
  delete MAP [KEY]                              delete a map with its entries, or one entry
  rotate-key                                    re-seal every secret under a new master key

--scope defaults to global. Reading a secret needs an admin token with the
"secrets" scope; without it, get prints the metadata and fails.
A value may also follow KEY on the command line, but it then lands in your
shell history: prefer --from-stdin or --from-file.`

// kvmSubcommands maps each word to its runner.
var kvmSubcommands = map[string]func(ctx context.Context, env *cliEnv, args []string) error{
	"create":     runKVMCreate,
	"put":        runKVMPut,
	"get":        runKVMGet,
	"list":       runKVMList,
	"delete":     runKVMDelete,
	"rotate-key": runKVMRotate,
}

func runKVM(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(env.stdout, kvmUsage)
		return nil
	}
	run, ok := kvmSubcommands[args[0]]
	if !ok {
		return fmt.Errorf("ferry kvm: unknown subcommand %q: want create, put, get, list, delete or rotate-key", args[0])
	}
	return run(ctx, env, args[1:])
}

// kvmFlags registers the admin flags and --scope.
func kvmFlags(env *cliEnv, sub, usage string) (*flag.FlagSet, *adminFlags, *string) {
	fs, af := newFlags(env, "kvm "+sub, "kvm "+usage)
	scope := fs.String("scope", kvm.ScopeGlobal, `scope of the map: global, api:API_ID or stage:API_ID/STAGE`)
	return fs, af, scope
}

// kvmCheckScope catches a mistyped scope before any request is sent.
func kvmCheckScope(cmd, scope string) error {
	if err := kvm.ValidateScope(scope); err != nil {
		return fmt.Errorf("ferry kvm %s: --scope: %w", cmd, err)
	}
	return nil
}

func runKVMCreate(ctx context.Context, env *cliEnv, args []string) error {
	fs, af, scope := kvmFlags(env, "create", "create MAP [--encrypted] [--scope S]")
	encrypted := fs.Bool("encrypted", false, "seal every value with the master key (for secrets)")
	pos, err := parseArgs(fs, args, 1, 1)
	if err != nil {
		return err
	}
	if err := kvmCheckScope("create", *scope); err != nil {
		return err
	}
	c, err := af.client(env)
	if err != nil {
		return err
	}
	m, err := c.CreateKVM(ctx, &admin.CreateKVMInput{Name: pos[0], Scope: *scope, Encrypted: *encrypted})
	if err != nil {
		return err
	}
	if asJSON, _ := af.json(); asJSON {
		return printJSONValue(env, m)
	}
	kind := "plain"
	if m.Encrypted {
		kind = "encrypted"
	}
	_, err = fmt.Fprintf(env.stdout, "created %s map %s in %s\n", kind, m.Name, m.Scope)
	return err
}

func runKVMPut(ctx context.Context, env *cliEnv, args []string) error {
	fs, af, scope := kvmFlags(env, "put", "put MAP KEY --from-stdin | --from-file FILE [--scope S]")
	fromFile := fs.String("from-file", "", "read the value from FILE, byte for byte")
	fromStdin := fs.Bool("from-stdin", false, "read the value from standard input, byte for byte")
	pos, err := parseArgs(fs, args, 2, 3)
	if err != nil {
		return err
	}
	if err := kvmCheckScope("put", *scope); err != nil {
		return err
	}
	value, err := kvmValue(env, pos[2:], *fromFile, *fromStdin)
	if err != nil {
		return err
	}
	c, err := af.client(env)
	if err != nil {
		return err
	}
	e, err := c.PutKVMEntry(ctx, *scope, pos[0], pos[1], value)
	if err != nil {
		return err
	}
	if asJSON, _ := af.json(); asJSON {
		return printJSONValue(env, e)
	}
	how := "stored in clear"
	if e.Encrypted {
		how = "sealed with master key " + e.KeyID
	}
	_, err = fmt.Fprintf(env.stdout, "put %s in %s (%s): %d bytes, %s\n", e.Key, e.Map, e.Scope, e.Size, how)
	return err
}

// kvmValue takes the value from exactly one source. Values are kept byte
// for byte: trimming a newline would corrupt a value that ends in one.
func kvmValue(env *cliEnv, inline []string, file string, stdin bool) ([]byte, error) {
	n := len(inline)
	if file != "" {
		n++
	}
	if stdin {
		n++
	}
	if n != 1 {
		return nil, fmt.Errorf("ferry kvm put: give the value exactly one way: --from-stdin, --from-file FILE or a VALUE argument (got %d)", n)
	}
	var v []byte
	var err error
	switch {
	case len(inline) == 1:
		fmt.Fprintln(env.stderr, "ferry kvm put: warning: a value on the command line can end up in your shell history and in process listings; prefer --from-stdin or --from-file")
		v = []byte(inline[0])
	case file != "":
		f, oerr := os.Open(file)
		if oerr != nil {
			return nil, fmt.Errorf("ferry kvm put: --from-file: %w", oerr)
		}
		defer f.Close()
		v, err = kvmReadValue(f, "--from-file "+file)
	default:
		v, err = kvmReadValue(env.stdin, "--from-stdin")
	}
	if err != nil {
		return nil, err
	}
	if len(v) == 0 {
		return nil, errors.New("ferry kvm put: the value is empty; an entry needs at least one byte")
	}
	return v, nil
}

func kvmReadValue(r io.Reader, from string) ([]byte, error) {
	v, err := io.ReadAll(io.LimitReader(r, admin.MaxKVMValueBytes+1))
	if err != nil {
		return nil, fmt.Errorf("ferry kvm put: %s: %w", from, err)
	}
	if len(v) > admin.MaxKVMValueBytes {
		return nil, fmt.Errorf("ferry kvm put: %s: the value is larger than %d bytes", from, admin.MaxKVMValueBytes)
	}
	return v, nil
}

// errValueWithheld makes `ferry kvm get` fail when it could only print the
// metadata, so that a script reading a secret never takes the metadata for
// the value.
var errValueWithheld = errors.New("ferry kvm get: value not shown")

func runKVMGet(ctx context.Context, env *cliEnv, args []string) error {
	fs, af, scope := kvmFlags(env, "get", "get MAP KEY [--metadata] [--scope S]")
	metadata := fs.Bool("metadata", false, "print only the metadata (size, the key that sealed it), never the value")
	pos, err := parseArgs(fs, args, 2, 2)
	if err != nil {
		return err
	}
	if err := kvmCheckScope("get", *scope); err != nil {
		return err
	}
	c, err := af.client(env)
	if err != nil {
		return err
	}
	e, err := c.GetKVMEntry(ctx, *scope, pos[0], pos[1])
	if err != nil {
		return err
	}
	if asJSON, _ := af.json(); asJSON {
		if *metadata {
			e.Value, e.ValueBase64 = nil, nil
		}
		return printJSONValue(env, e)
	}
	value, ok, err := e.Bytes()
	if err != nil {
		return err
	}
	if ok && !*metadata {
		// Exactly the stored bytes, so `ferry kvm get m k > file` round-trips.
		_, err := env.stdout.Write(value)
		return err
	}
	if err := printKVMEntryMetadata(env.stdout, e); err != nil {
		return err
	}
	if !ok && !*metadata {
		return fmt.Errorf("%w: %s (metadata printed instead; pass --metadata to ask for it alone)", errValueWithheld, e.Withheld)
	}
	return nil
}

func printKVMEntryMetadata(w io.Writer, e *admin.KVMEntry) error {
	kind, sealed := "plain", "-"
	if e.Encrypted {
		kind, sealed = "encrypted", e.KeyID
	}
	return table(w, []string{"FIELD", "VALUE"}, [][]string{
		{"key", e.Key}, {"map", e.Map + " (" + kind + ")"}, {"scope", e.Scope},
		{"size", fmt.Sprintf("%d bytes", e.Size)}, {"sealed with", sealed},
	})
}

func runKVMList(ctx context.Context, env *cliEnv, args []string) error {
	fs, af, scope := kvmFlags(env, "list", "list [MAP] [--scope S] [--output json]")
	pos, err := parseArgs(fs, args, 0, 1)
	if err != nil {
		return err
	}
	if err := kvmCheckScope("list", *scope); err != nil {
		return err
	}
	c, err := af.client(env)
	if err != nil {
		return err
	}
	asJSON, _ := af.json()
	if len(pos) == 0 {
		maps, err := c.ListKVMs(ctx, *scope)
		if err != nil {
			return err
		}
		if asJSON {
			return printJSONValue(env, struct {
				Item []kvm.MapInfo `json:"item"`
			}{kvmOrEmpty(maps)})
		}
		rows := make([][]string, 0, len(maps))
		for _, m := range maps {
			rows = append(rows, []string{m.Name, fmt.Sprint(m.Encrypted), orDash(m.CreatedDate)})
		}
		return table(env.stdout, []string{"NAME", "ENCRYPTED", "CREATED"}, rows)
	}
	entries, err := c.ListKVMEntries(ctx, *scope, pos[0])
	if err != nil {
		return err
	}
	if asJSON {
		return printJSONValue(env, struct {
			Item []kvm.EntryInfo `json:"item"`
		}{kvmOrEmpty(entries)})
	}
	rows := make([][]string, 0, len(entries))
	for _, e := range entries {
		rows = append(rows, []string{e.Key, fmt.Sprint(e.Size), orDash(e.KeyID)})
	}
	return table(env.stdout, []string{"KEY", "SIZE", "SEALED-WITH"}, rows)
}

func kvmOrEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func runKVMDelete(ctx context.Context, env *cliEnv, args []string) error {
	fs, af, scope := kvmFlags(env, "delete", "delete MAP [KEY] [--scope S]")
	pos, err := parseArgs(fs, args, 1, 2)
	if err != nil {
		return err
	}
	if err := kvmCheckScope("delete", *scope); err != nil {
		return err
	}
	c, err := af.client(env)
	if err != nil {
		return err
	}
	if len(pos) == 1 {
		if err := c.DeleteKVM(ctx, *scope, pos[0]); err != nil {
			return err
		}
		_, err = fmt.Fprintf(env.stdout, "deleted map %s from %s with its entries\n", pos[0], *scope)
		return err
	}
	if err := c.DeleteKVMEntry(ctx, *scope, pos[0], pos[1]); err != nil {
		return err
	}
	_, err = fmt.Fprintf(env.stdout, "deleted %s from map %s in %s\n", pos[1], pos[0], *scope)
	return err
}

func runKVMRotate(ctx context.Context, env *cliEnv, args []string) error {
	fs, af := newFlags(env, "kvm rotate-key", "kvm rotate-key [--output json]")
	if _, err := parseArgs(fs, args, 0, 0); err != nil {
		return err
	}
	c, err := af.client(env)
	if err != nil {
		return err
	}
	id, err := c.RotateKVMKey(ctx)
	if err != nil {
		return err
	}
	if asJSON, _ := af.json(); asJSON {
		return printJSONValue(env, admin.RotateKeyOutput{KeyID: id})
	}
	_, err = fmt.Fprintln(env.stdout, id)
	return err
}

// credentialsValidator is what the deploy check needs of awsauth.Resolver.
type credentialsValidator interface {
	ValidateCredentialsRef(ctx context.Context, ref string, where awsauth.Where) error
}

// deployCredentialsCheck is ferry serve's admin.Config.CheckDeploy: every
// AWS integration whose credentials name a kvm:MAP/ENTRY must resolve, in
// the stage's scopes, to well-formed credentials, so a missing or broken
// entry fails the deploy rather than the first request. A deployment
// without a stage serves nothing yet and its entry may live in the scope of
// the stage it will get, so then only the reference's syntax is checked.
// Errors name the method and never quote the entry.
func deployCredentialsCheck(v credentialsValidator) func(ctx context.Context, api *model.API, apiID, stage string) error {
	return func(ctx context.Context, api *model.API, apiID, stage string) error {
		var errs []error
		check := func(ref, field string) {
			if !strings.HasPrefix(ref, "kvm:") {
				return
			}
			var err error
			if stage == "" {
				_, err = awsauth.ParseCredentials(ref)
			} else {
				err = v.ValidateCredentialsRef(ctx, ref, awsauth.Where{APIID: apiID, Stage: stage})
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", field, err))
			}
		}
		resources := append([]*model.Resource(nil), api.Resources...)
		sort.Slice(resources, func(i, j int) bool { return resources[i].Path < resources[j].Path })
		for _, res := range resources {
			for _, verb := range sortedKeys(res.ResourceMethods) {
				in := res.ResourceMethods[verb].MethodIntegration
				if in == nil || (in.Type != model.IntegrationAWS && in.Type != model.IntegrationAWSProxy) {
					continue
				}
				check(in.Credentials, fmt.Sprintf("%s %s: integration.credentials", strings.ToUpper(verb), res.Path))
			}
		}
		// A Lambda authorizer signs its invoke with authorizerCredentials.
		for _, a := range api.Authorizers {
			check(a.AuthorizerCredentials, fmt.Sprintf("authorizer %q: authorizerCredentials", a.Name))
		}
		return errors.Join(errs...)
	}
}
