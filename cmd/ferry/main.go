// Command ferry is a self-hosted API gateway for Amazon API Gateway
// definitions: it imports them, serves them, and is its own admin client.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// command is one top-level word of the CLI. Each lives in its own file and
// adds itself to commands in an init function, so files do not collide.
type command struct {
	name    string
	summary string
	// run executes the command. A returned error is printed to stderr as is
	// and the process exits 1; errors therefore carry their own context
	// (FILE:line:col for parse errors, the failing call for admin errors).
	run func(ctx context.Context, env *cliEnv, args []string) error
}

var commands = map[string]*command{}

func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("ferry: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

// cliEnv is what a command may touch of the outside world; tests swap it.
type cliEnv struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	env := &cliEnv{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	code := runCLI(ctx, env, os.Args[1:])
	stop()
	os.Exit(code)
}

func runCLI(ctx context.Context, env *cliEnv, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(env.stdout)
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(env.stderr, "ferry: unknown command %q (run 'ferry help')\n", args[0])
		return 2
	}
	if err := c.run(ctx, env, args[1:]); err != nil {
		fmt.Fprintln(env.stderr, err)
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "ferry: a self-hosted API gateway for Amazon API Gateway definitions")
	fmt.Fprintln(w, "\nUsage: ferry COMMAND [ARGS]\n\nCommands:")
	names := make([]string, 0, len(commands))
	width := 0
	for n := range commands {
		names = append(names, n)
		width = max(width, len(n))
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-*s  %s\n", width, n, commands[n].summary)
	}
}
