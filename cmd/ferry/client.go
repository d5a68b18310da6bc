package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ferrygw/ferry/internal/admin"
)

// defaultAdminURL is where `ferry serve` listens for the admin API unless told otherwise.
const defaultAdminURL = "http://127.0.0.1:9090"

// defaultTokenFile is the token file `ferry serve` generates in its default data directory.
var defaultTokenFile = filepath.Join("ferry-data", admin.TokenFileName)

// adminFlags are the flags every command that talks to the admin API shares.
type adminFlags struct {
	// server is the admin API's base URL; FERRY_ADMIN_URL when the flag is unset.
	server string
	// tokenFile holds the bearer token when FERRY_ADMIN_TOKEN is unset.
	tokenFile string
	// output is json (the admin API's answer verbatim) or text (for people).
	output string
}

// newFlags returns a flag set that reports its errors to the command's
// stderr instead of exiting, with the admin flags registered.
func newFlags(env *cliEnv, name, usage string) (*flag.FlagSet, *adminFlags) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.stderr, "Usage: ferry %s\n\nFlags:\n", usage)
		fs.PrintDefaults()
	}
	af := &adminFlags{}
	fs.StringVar(&af.server, "server", "", "admin API URL (default $FERRY_ADMIN_URL, else "+defaultAdminURL+")")
	fs.StringVar(&af.tokenFile, "token-file", "", "file holding the admin token, used when $FERRY_ADMIN_TOKEN is unset (default "+defaultTokenFile+")")
	fs.StringVar(&af.output, "output", "text", "output format: text or json")
	return fs, af
}

// parseArgs parses flags wherever they appear among the arguments (the
// flag package alone stops at the first positional one, and users write
// `ferry import api.yaml --name pets`), and checks the positional count.
func parseArgs(fs *flag.FlagSet, args []string, minPos, maxPos int) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, errUsageShown
			}
			return nil, fmt.Errorf("ferry %s: %w", fs.Name(), err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	if len(pos) < minPos || (maxPos >= 0 && len(pos) > maxPos) {
		fs.Usage()
		return nil, fmt.Errorf("ferry %s: expected %s, got %d: %s", fs.Name(), countWords(minPos, maxPos), len(pos), strings.Join(pos, " "))
	}
	return pos, nil
}

// errUsageShown ends a command whose help was asked for; helpOK turns it
// into a success, so `ferry deploy -h` exits 0 like other tools.
var errUsageShown = errors.New("ferry: usage shown above")

// helpOK wraps an admin command's run function.
func helpOK(run func(context.Context, *cliEnv, []string) error) func(context.Context, *cliEnv, []string) error {
	return func(ctx context.Context, env *cliEnv, args []string) error {
		if err := run(ctx, env, args); !errors.Is(err, errUsageShown) {
			return err
		}
		return nil
	}
}

func countWords(minPos, maxPos int) string {
	switch {
	case minPos == maxPos:
		return fmt.Sprintf("%d argument(s)", minPos)
	case maxPos < 0:
		return fmt.Sprintf("at least %d argument(s)", minPos)
	}
	return fmt.Sprintf("%d to %d arguments", minPos, maxPos)
}

// json reports whether the answer should be printed verbatim.
func (af *adminFlags) json() (bool, error) {
	switch af.output {
	case "json":
		return true, nil
	case "text", "":
		return false, nil
	}
	return false, fmt.Errorf("--output %q: want text or json", af.output)
}

// client builds the admin client. The token is looked for in the
// environment first so that CI can pass it without writing a file.
func (af *adminFlags) client(env *cliEnv) (*admin.Client, error) {
	if _, err := af.json(); err != nil {
		return nil, err
	}
	server := af.server
	if server == "" {
		server = env.getenv("FERRY_ADMIN_URL")
	}
	if server == "" {
		server = defaultAdminURL
	}
	token := strings.TrimSpace(env.getenv("FERRY_ADMIN_TOKEN"))
	if token == "" {
		file := af.tokenFile
		if file == "" {
			file = defaultTokenFile
		}
		b, err := os.ReadFile(file)
		switch {
		case errors.Is(err, fs.ErrNotExist) && af.tokenFile == "":
			return nil, fmt.Errorf("no admin token: set FERRY_ADMIN_TOKEN, pass --token-file, or run where `ferry serve` keeps %s", defaultTokenFile)
		case err != nil:
			return nil, fmt.Errorf("reading the admin token: %w", err)
		}
		if token = strings.TrimSpace(string(b)); token == "" {
			return nil, fmt.Errorf("the admin token file %s is empty", file)
		}
	}
	// The timeout outlasts API Gateway's longest integration (29 s), which a
	// test-invoke may wait for.
	return admin.NewClient(server, token, &http.Client{Timeout: 2 * time.Minute})
}

// kvFlag collects repeated NAME=VALUE flags into a map; a name given twice
// is an error rather than a silent overwrite.
type kvFlag struct {
	m map[string]string
}

func (f *kvFlag) String() string { return "" }

func (f *kvFlag) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return fmt.Errorf("%q is not of the form NAME=VALUE", s)
	}
	if f.m == nil {
		f.m = map[string]string{}
	}
	if _, dup := f.m[k]; dup {
		return fmt.Errorf("%s is given twice", k)
	}
	f.m[k] = v
	return nil
}

// pairsFlag collects repeated NAME=VALUE flags in order, repeats allowed
// (query parameters and headers can have several values).
type pairsFlag struct {
	names, values []string
}

func (f *pairsFlag) String() string { return "" }

func (f *pairsFlag) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return fmt.Errorf("%q is not of the form NAME=VALUE", s)
	}
	f.names = append(f.names, k)
	f.values = append(f.values, v)
	return nil
}

// printRaw prints an answer verbatim, ending with a newline so shells and
// `jq` are happy.
func printRaw(w io.Writer, b []byte) error {
	if _, err := w.Write(b); err != nil {
		return err
	}
	if len(b) == 0 || b[len(b)-1] != '\n' {
		_, err := io.WriteString(w, "\n")
		return err
	}
	return nil
}

// printIndented prints JSON the way the AWS CLI does (four-space indent).
func printIndented(w io.Writer, b []byte) error {
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "    "); err != nil {
		return fmt.Errorf("the admin API's answer is not JSON: %w", err)
	}
	return printRaw(w, out.Bytes())
}

// table prints rows under a header, columns aligned.
func table(w io.Writer, header []string, rows [][]string) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// printJSONValue prints an answer the client has already decoded, for
// commands whose call is a write (the answer is the record written).
func printJSONValue(env *cliEnv, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return printRaw(env.stdout, b)
}
