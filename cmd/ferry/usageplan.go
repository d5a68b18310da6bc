package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ferrygw/ferry/internal/admin"
	"github.com/ferrygw/ferry/internal/model"
)

func init() {
	register(&command{name: "usageplan", summary: "manage usage plans: create, list, get, update, delete, add-key, remove-key, keys, usage", run: helpOK(runUsagePlan)})
}

func runUsagePlan(ctx context.Context, env *cliEnv, args []string) error {
	return dispatch(ctx, env, "usageplan", args, []subcommand{
		{"create", runUsagePlanCreate}, {"list", runUsagePlanList}, {"get", runUsagePlanGet},
		{"update", runUsagePlanUpdate}, {"delete", runUsagePlanDelete}, {"add-key", runUsagePlanAddKey},
		{"remove-key", runUsagePlanRemoveKey}, {"keys", runUsagePlanKeys}, {"usage", runUsagePlanUsage},
	})
}

// methodThrottleFlag collects --method-throttle /pets/GET=RATE:BURST.
type methodThrottleFlag map[string]*model.ThrottleSettings

func (f methodThrottleFlag) String() string { return "" }

func (f methodThrottleFlag) Set(s string) error {
	method, limits, ok := strings.Cut(s, "=")
	rate, burst, ok2 := strings.Cut(limits, ":")
	if !ok || !ok2 || !strings.Contains(method, "/") {
		return fmt.Errorf("%q: want RESOURCE_PATH/METHOD=RATE:BURST, e.g. /pets/GET=10:20", s)
	}
	r, err := strconv.ParseFloat(rate, 64)
	if err != nil {
		return fmt.Errorf("%q: rate %q is not a number", s, rate)
	}
	b, err := strconv.Atoi(burst)
	if err != nil {
		return fmt.Errorf("%q: burst %q is not a whole number", s, burst)
	}
	f[method] = &model.ThrottleSettings{RateLimit: r, BurstLimit: b}
	return nil
}

// runUsagePlanCreate prints the new plan's id alone.
func runUsagePlanCreate(ctx context.Context, env *cliEnv, args []string) error {
	fs, af := newFlags(env, "usageplan create",
		"usageplan create NAME --api ID --stage S [--rate R] [--burst B] [--quota N --period DAY|WEEK|MONTH [--offset N]] [--method-throttle /path/METHOD=R:B]")
	var st model.UsagePlanStage
	fs.StringVar(&st.APIID, "api", "", "API id the plan covers; required")
	fs.StringVar(&st.Stage, "stage", "", "stage the plan covers; required")
	rate := fs.Float64("rate", 0, "requests per second per key (token bucket refill); 0 for no throttle")
	burst := fs.Int("burst", 0, "token bucket size per key")
	quota := fs.Int("quota", 0, "requests per key per --period; 0 for no quota")
	period := fs.String("period", "", "quota period: DAY, WEEK or MONTH (UTC)")
	offset := fs.Int("offset", 0, "requests taken off --quota in the first period only (the one the plan is created in), 0 to --quota")
	description := fs.String("description", "", "free text")
	overrides := methodThrottleFlag{}
	fs.Var(overrides, "method-throttle", "per-method throttle per key, RESOURCE_PATH/METHOD=RATE:BURST; repeatable")
	pos, err := parseArgs(fs, args, 1, 1)
	if err != nil {
		return err
	}
	if st.APIID == "" || st.Stage == "" {
		return fmt.Errorf("ferry usageplan create: --api and --stage are required")
	}
	in := admin.CreateUsagePlanInput{Name: pos[0], Description: *description}
	if len(overrides) > 0 {
		st.Throttle = overrides
	}
	in.APIStages = []model.UsagePlanStage{st}
	if *rate != 0 || *burst != 0 {
		in.Throttle = &model.ThrottleSettings{RateLimit: *rate, BurstLimit: *burst}
	}
	switch {
	case *quota != 0 && *period == "":
		return fmt.Errorf("ferry usageplan create: --quota needs --period DAY, WEEK or MONTH")
	case *quota == 0 && (*period != "" || *offset != 0):
		return fmt.Errorf("ferry usageplan create: --period and --offset need --quota N")
	case *quota != 0:
		in.Quota = &model.QuotaSettings{Limit: *quota, Period: strings.ToUpper(*period), Offset: *offset}
	}
	c, err := af.client(env)
	if err != nil {
		return err
	}
	p, err := c.CreateUsagePlan(ctx, &in)
	if err != nil {
		return err
	}
	if asJSON, _ := af.json(); asJSON {
		return printJSONValue(env, p)
	}
	_, err = fmt.Fprintln(env.stdout, p.ID)
	return err
}

func planLimits(p *model.UsagePlan) (throttle, quota string) {
	throttle, quota = "-", "-"
	if t := p.Throttle; t != nil {
		throttle = fmt.Sprintf("%g/s burst %d", t.RateLimit, t.BurstLimit)
	}
	if q := p.Quota; q != nil {
		quota = fmt.Sprintf("%d per %s", q.Limit, q.Period)
		if q.Offset != 0 {
			quota += fmt.Sprintf(" (offset %d)", q.Offset)
		}
	}
	return throttle, quota
}

func planStages(p *model.UsagePlan) string {
	var s []string
	for _, st := range p.APIStages {
		s = append(s, st.APIID+"/"+st.Stage)
	}
	return orDash(strings.Join(s, ","))
}

func runUsagePlanList(ctx context.Context, env *cliEnv, args []string) error {
	return listing[*model.UsagePlan]{
		name: "usageplan list", usage: "usageplan list [--output json]",
		path: func([]string) string { return admin.Path("usageplans") },
		fetch: func(ctx context.Context, c *admin.Client, _ []string) ([]*model.UsagePlan, error) {
			return c.ListUsagePlans(ctx)
		},
		header: []string{"ID", "NAME", "STAGES", "THROTTLE", "QUOTA"},
		row: func(p *model.UsagePlan) []string {
			th, q := planLimits(p)
			return []string{p.ID, p.Name, planStages(p), th, q}
		},
	}.run(ctx, env, args)
}

func runUsagePlanGet(ctx context.Context, env *cliEnv, args []string) error {
	fs, af := newFlags(env, "usageplan get", "usageplan get ID [--output json]")
	pos, err := parseArgs(fs, args, 1, 1)
	if err != nil {
		return err
	}
	c, err := af.client(env)
	if err != nil {
		return err
	}
	if asJSON, _ := af.json(); asJSON {
		return printPath(ctx, env, c, admin.Path("usageplans", pos[0]))
	}
	p, err := c.GetUsagePlan(ctx, pos[0])
	if err != nil {
		return err
	}
	th, q := planLimits(p)
	rows := [][]string{{"id", p.ID}, {"name", p.Name}, {"stages", planStages(p)}, {"throttle", th}, {"quota", q}}
	if p.Quota != nil {
		// The offset applies only in the period holding this moment.
		rows = append(rows, []string{"quota start", orDash(p.QuotaStart)})
	}
	for _, st := range p.APIStages {
		for _, m := range sortedKeys(st.Throttle) {
			t := st.Throttle[m]
			rows = append(rows, []string{"throttle " + st.APIID + "/" + st.Stage + " " + m, fmt.Sprintf("%g/s burst %d", t.RateLimit, t.BurstLimit)})
		}
	}
	return table(env.stdout, []string{"FIELD", "VALUE"}, rows)
}

func runUsagePlanDelete(ctx context.Context, env *cliEnv, args []string) error {
	return action{name: "usageplan delete", usage: "usageplan delete ID", args: 1,
		do: func(ctx context.Context, c *admin.Client, pos []string) (string, error) {
			return "deleted usage plan " + pos[0], c.DeleteUsagePlan(ctx, pos[0])
		}}.run(ctx, env, args)
}

func runUsagePlanAddKey(ctx context.Context, env *cliEnv, args []string) error {
	fs, af := newFlags(env, "usageplan add-key", "usageplan add-key PLAN_ID KEY_ID")
	pos, err := parseArgs(fs, args, 2, 2)
	if err != nil {
		return err
	}
	c, err := af.client(env)
	if err != nil {
		return err
	}
	k, err := c.AddUsagePlanKey(ctx, pos[0], pos[1])
	if err != nil {
		return err
	}
	if asJSON, _ := af.json(); asJSON {
		return printJSONValue(env, k)
	}
	_, err = fmt.Fprintf(env.stdout, "api key %s added to usage plan %s\n", k.ID, pos[0])
	return err
}

func runUsagePlanRemoveKey(ctx context.Context, env *cliEnv, args []string) error {
	return action{name: "usageplan remove-key", usage: "usageplan remove-key PLAN_ID KEY_ID", args: 2,
		do: func(ctx context.Context, c *admin.Client, pos []string) (string, error) {
			return "api key " + pos[1] + " removed from usage plan " + pos[0], c.RemoveUsagePlanKey(ctx, pos[0], pos[1])
		}}.run(ctx, env, args)
}

func runUsagePlanKeys(ctx context.Context, env *cliEnv, args []string) error {
	return listing[model.UsagePlanKey]{
		name: "usageplan keys", usage: "usageplan keys PLAN_ID [--output json]", args: 1,
		path: func(pos []string) string { return admin.Path("usageplans", pos[0], "keys") },
		fetch: func(ctx context.Context, c *admin.Client, pos []string) ([]model.UsagePlanKey, error) {
			return c.ListUsagePlanKeys(ctx, pos[0])
		},
		header: []string{"KEY ID", "NAME", "TYPE"},
		row:    func(k model.UsagePlanKey) []string { return []string{k.ID, orDash(k.Name), k.Type} },
	}.run(ctx, env, args)
}

// runUsagePlanUsage reads daily usage; both dates default to today (UTC).
func runUsagePlanUsage(ctx context.Context, env *cliEnv, args []string) error {
	fs, af := newFlags(env, "usageplan usage", "usageplan usage PLAN_ID [--start YYYY-MM-DD] [--end YYYY-MM-DD] [--key KEY_ID] [--output json]")
	today := time.Now().UTC().Format(time.DateOnly)
	start := fs.String("start", today, "first day, UTC")
	end := fs.String("end", today, "last day, UTC")
	key := fs.String("key", "", "only this API key")
	pos, err := parseArgs(fs, args, 1, 1)
	if err != nil {
		return err
	}
	c, err := af.client(env)
	if err != nil {
		return err
	}
	u, err := c.GetUsage(ctx, pos[0], *start, *end, *key)
	if err != nil {
		return err
	}
	if asJSON, _ := af.json(); asJSON {
		return printJSONValue(env, u)
	}
	first, err := time.Parse(time.DateOnly, u.StartDate)
	if err != nil {
		return fmt.Errorf("ferry usageplan usage: the answer's startDate %q: %w", u.StartDate, err)
	}
	var rows [][]string
	for _, id := range sortedKeys(u.Items) {
		for i, d := range u.Items[id] {
			rows = append(rows, []string{id, first.AddDate(0, 0, i).Format(time.DateOnly),
				strconv.FormatInt(d[0], 10), strconv.FormatInt(d[1], 10)})
		}
	}
	return table(env.stdout, []string{"KEY ID", "DATE", "USED", "REMAINING"}, rows)
}

// runUsagePlanUpdate sends one patch operation per flag given; flags left
// out keep their values.
func runUsagePlanUpdate(ctx context.Context, env *cliEnv, args []string) error {
	fs, af := newFlags(env, "usageplan update",
		"usageplan update ID [--name N] [--rate R] [--burst B] [--quota N] [--period P] [--offset N] [--no-throttle] [--no-quota]")
	fs.String("name", "", "new display name")
	fs.String("description", "", "new description")
	fs.String("rate", "", "requests per second per key")
	fs.String("burst", "", "token bucket size per key")
	fs.String("quota", "", "requests per key per period")
	fs.String("period", "", "quota period: DAY, WEEK or MONTH")
	fs.String("offset", "", "requests taken off the quota in its first period; a change to the quota starts a new first period")
	noThrottle := fs.Bool("no-throttle", false, "remove the plan-wide throttle")
	noQuota := fs.Bool("no-quota", false, "remove the quota")
	pos, err := parseArgs(fs, args, 1, 1)
	if err != nil {
		return err
	}
	paths := map[string]string{"name": "/name", "description": "/description", "rate": "/throttle/rateLimit",
		"burst": "/throttle/burstLimit", "quota": "/quota/limit", "period": "/quota/period", "offset": "/quota/offset"}
	var ops []admin.PatchOperation
	fs.Visit(func(f *flag.Flag) {
		if p, ok := paths[f.Name]; ok {
			ops = append(ops, admin.PatchOperation{Op: "replace", Path: p, Value: f.Value.String()})
		}
	})
	if *noThrottle {
		ops = append(ops, admin.PatchOperation{Op: "remove", Path: "/throttle"})
	}
	if *noQuota {
		ops = append(ops, admin.PatchOperation{Op: "remove", Path: "/quota"})
	}
	if len(ops) == 0 {
		return fmt.Errorf("ferry usageplan update: nothing to change; give at least one of --name, --description, --rate, --burst, --quota, --period, --offset, --no-throttle, --no-quota")
	}
	c, err := af.client(env)
	if err != nil {
		return err
	}
	p, err := c.UpdateUsagePlan(ctx, pos[0], ops...)
	if err != nil {
		return err
	}
	if asJSON, _ := af.json(); asJSON {
		return printJSONValue(env, p)
	}
	th, q := planLimits(p)
	_, err = fmt.Fprintf(env.stdout, "usage plan %s: throttle %s, quota %s\n", p.ID, th, q)
	return err
}
