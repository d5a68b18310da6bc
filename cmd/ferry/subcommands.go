package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/ferrygw/ferry/internal/admin"
)

// subcommand is one word under a top-level command ("ferry apikey create").
type subcommand struct {
	name string
	run  func(ctx context.Context, env *cliEnv, args []string) error
}

// dispatch runs the subcommand args[0] names, with the same two errors for
// every command that has subcommands.
func dispatch(ctx context.Context, env *cliEnv, command string, args []string, subs []subcommand) error {
	names := make([]string, len(subs))
	for i, s := range subs {
		names[i] = s.name
	}
	want := strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
	if len(args) == 0 {
		return fmt.Errorf("ferry %s: want a subcommand: %s", command, want)
	}
	for _, s := range subs {
		if s.name == args[0] {
			return s.run(ctx, env, args[1:])
		}
	}
	return fmt.Errorf("ferry %s: unknown subcommand %q: want %s", command, args[0], want)
}

// listing is a command that prints one admin collection: the admin API's
// JSON verbatim with --output json, otherwise a table.
type listing[T any] struct {
	name, usage string
	// args is how many positional arguments the command takes (0 or 1).
	args int
	// path is the admin API path of the collection.
	path func(pos []string) string
	// fetch reads the collection through the typed client.
	fetch  func(ctx context.Context, c *admin.Client, pos []string) ([]T, error)
	header []string
	row    func(T) []string
}

func (l listing[T]) run(ctx context.Context, env *cliEnv, args []string) error {
	fs, af := newFlags(env, l.name, l.usage)
	pos, err := parseArgs(fs, args, l.args, l.args)
	if err != nil {
		return err
	}
	c, err := af.client(env)
	if err != nil {
		return err
	}
	if asJSON, _ := af.json(); asJSON {
		return printPath(ctx, env, c, l.path(pos))
	}
	items, err := l.fetch(ctx, c, pos)
	if err != nil {
		return err
	}
	rows := make([][]string, 0, len(items))
	for _, it := range items {
		rows = append(rows, l.row(it))
	}
	return table(env.stdout, l.header, rows)
}

// action is a command that takes a fixed number of positional arguments,
// makes one admin call and prints one line saying what it did.
type action struct {
	name, usage string
	args        int
	// do makes the call and returns the line to print.
	do func(ctx context.Context, c *admin.Client, pos []string) (string, error)
}

func (a action) run(ctx context.Context, env *cliEnv, args []string) error {
	fs, af := newFlags(env, a.name, a.usage)
	pos, err := parseArgs(fs, args, a.args, a.args)
	if err != nil {
		return err
	}
	c, err := af.client(env)
	if err != nil {
		return err
	}
	line, err := a.do(ctx, c, pos)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(env.stdout, line)
	return err
}
