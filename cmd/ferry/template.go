package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/ferrygw/ferry/internal/mappingtemplate"
)

func init() {
	register(&command{
		name:    "template",
		summary: "render a mapping template offline (template render --template FILE [--event FILE] [--body FILE])",
		run:     runTemplate,
	})
}

func runTemplate(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 || args[0] != "render" {
		return errors.New("usage: ferry template render --template FILE [--event FILE] [--body FILE]")
	}
	fs := flag.NewFlagSet("ferry template render", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	tmplFile := fs.String("template", "", "the VTL mapping template to render")
	eventFile := fs.String("event", "", "an API Gateway proxy event (v1) supplying body, parameters, stage variables and requestContext")
	bodyFile := fs.String("body", "", "a file whose bytes are the request body (overrides the event's body)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *tmplFile == "" || fs.NArg() > 0 {
		return errors.New("usage: ferry template render --template FILE [--event FILE] [--body FILE]")
	}
	src, err := os.ReadFile(*tmplFile)
	if err != nil {
		return fmt.Errorf("template: %w", err)
	}
	in := &mappingtemplate.Input{}
	if *eventFile != "" {
		data, err := os.ReadFile(*eventFile)
		if err != nil {
			return fmt.Errorf("template: %w", err)
		}
		if in, err = mappingtemplate.InputFromEvent(data); err != nil {
			return fmt.Errorf("%s: %w", *eventFile, err)
		}
	}
	if *bodyFile != "" {
		if in.Body, err = os.ReadFile(*bodyFile); err != nil {
			return fmt.Errorf("template: %w", err)
		}
	}
	t, err := mappingtemplate.Parse(*tmplFile, string(src))
	if err != nil {
		return err
	}
	out, err := t.Render(ctx, in, mappingtemplate.Limits{})
	if err != nil {
		return err
	}
	_, err = io.Writer(env.stdout).Write(out)
	return err
}
