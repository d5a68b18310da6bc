package main

import (
	"context"
)

func init() {
	register(&command{name: "export", summary: "print an API (or what one of its stages serves) as OpenAPI 3 JSON", run: helpOK(runExport)})
}

func runExport(ctx context.Context, env *cliEnv, args []string) error {
	fs, af := newFlags(env, "export", "export API_ID [--stage S]")
	stage := fs.String("stage", "", "export what this stage serves instead of the current definition")
	pos, err := parseArgs(fs, args, 1, 1)
	if err != nil {
		return err
	}
	c, err := af.client(env)
	if err != nil {
		return err
	}
	var b []byte
	if *stage != "" {
		b, err = c.ExportStage(ctx, pos[0], *stage)
	} else {
		b, err = c.ExportAPI(ctx, pos[0])
	}
	if err != nil {
		return err
	}
	return printRaw(env.stdout, b)
}
