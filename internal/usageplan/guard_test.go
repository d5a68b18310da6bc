package usageplan

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ferrygw/ferry/internal/gatewayresponse"
	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/pipeline"
	"github.com/ferrygw/ferry/internal/reqctx"
	"github.com/ferrygw/ferry/internal/store"
	"github.com/ferrygw/ferry/internal/store/sqlite"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newTestStore(t testing.TB) *store.Store {
	b, err := sqlite.Open(filepath.Join(t.TempDir(), "ferry.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return store.New(b)
}

// fixture is one API "a1" with a method that needs a key, a key bound to a
// plan on stage "prod", and the guard compiled for that method.
type fixture struct {
	st  *store.Store
	clk *clock
	e   *Enforcer
	g   pipeline.Guard
}

func newFixture(t testing.TB, plan *model.UsagePlan, stage *model.Stage) *fixture {
	ctx := context.Background()
	f := &fixture{st: newTestStore(t), clk: &clock{t0}}
	if err := f.st.CreateAPIKey(ctx, &model.APIKey{ID: "k1", Name: "one", Enabled: true, Value: "secret-value-1"}); err != nil {
		t.Fatal(err)
	}
	if err := f.st.CreateAPIKey(ctx, &model.APIKey{ID: "k2", Name: "off", Enabled: false, Value: "secret-value-2"}); err != nil {
		t.Fatal(err)
	}
	if err := f.st.CreateAPIKey(ctx, &model.APIKey{ID: "k3", Name: "unbound", Enabled: true, Value: "secret-value-3"}); err != nil {
		t.Fatal(err)
	}
	if err := f.st.CreateUsagePlan(ctx, plan); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"k1", "k2"} {
		if _, err := f.st.AddUsagePlanKey(ctx, plan.ID, k); err != nil {
			t.Fatal(err)
		}
	}
	var err error
	f.e, err = New(Config{Store: f.st, Now: f.clk.now, CacheTTL: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if stage == nil {
		stage = &model.Stage{StageName: "prod"}
	}
	m := &model.Method{HTTPMethod: "GET", APIKeyRequired: true}
	api := &model.API{RestAPI: model.RestAPI{ID: "a1"}}
	f.g, err = f.e.Guard(api, stage, &model.Resource{Path: "/pets", ResourceMethods: map[string]*model.Method{"GET": m}}, m)
	if err != nil || f.g == nil {
		t.Fatalf("guard: %v %v", f.g, err)
	}
	return f
}

// call runs the guard as the pipeline would for GET /pets on stage.
func (f *fixture) call(stage, key string) (*pipeline.GuardRequest, error) {
	r, _ := http.NewRequest("GET", "http://gw/pets", nil)
	if key != "" {
		r.Header.Set("x-api-key", key)
	}
	g := &pipeline.GuardRequest{HTTP: r, APIID: "a1", Stage: stage, ResourcePath: "/pets", HTTPMethod: "GET",
		Context: &reqctx.Context{}, Header: http.Header{}}
	return g, f.g(context.Background(), g)
}

func errType(err error) gatewayresponse.Type {
	var ge *gatewayresponse.Error
	if errors.As(err, &ge) {
		return ge.Type
	}
	if err != nil {
		return "other: " + gatewayresponse.Type(err.Error())
	}
	return ""
}

func TestGuardKeys(t *testing.T) {
	f := newFixture(t, &model.UsagePlan{ID: "p1", APIStages: []model.UsagePlanStage{{APIID: "a1", Stage: "prod"}}}, nil)
	tests := []struct {
		name, stage, key string
		want             gatewayresponse.Type
	}{
		{"valid key", "prod", "secret-value-1", ""},
		{"no key", "prod", "", gatewayresponse.InvalidAPIKey},
		{"unknown key", "prod", "nope", gatewayresponse.InvalidAPIKey},
		{"disabled key", "prod", "secret-value-2", gatewayresponse.InvalidAPIKey},
		{"key in no plan", "prod", "secret-value-3", gatewayresponse.InvalidAPIKey},
		{"stage the plan does not cover", "dev", "secret-value-1", gatewayresponse.InvalidAPIKey},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, err := f.call(tc.stage, tc.key)
			if got := errType(err); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
			if tc.want == "" && (g.Context.Identity.APIKeyID != "k1" || g.Context.Identity.APIKey != tc.key) {
				t.Errorf("$context.identity = %+v", g.Context.Identity)
			}
			if tc.want != "" && g.Context.Identity.APIKeyID != "" {
				t.Errorf("a refused key must not reach $context: %+v", g.Context.Identity)
			}
		})
	}
}

// TestGuardCache shows a disabled key working until the cache expires, and
// refused after.
func TestGuardCache(t *testing.T) {
	f := newFixture(t, &model.UsagePlan{ID: "p1", APIStages: []model.UsagePlanStage{{APIID: "a1", Stage: "prod"}}}, nil)
	if _, err := f.call("prod", "secret-value-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.UpdateAPIKey(context.Background(), "k1", func(k *model.APIKey) error { k.Enabled = false; return nil }); err != nil {
		t.Fatal(err)
	}
	f.clk.t = f.clk.t.Add(500 * time.Millisecond)
	if _, err := f.call("prod", "secret-value-1"); err != nil {
		t.Errorf("within the TTL the cached key still passes: %v", err)
	}
	f.clk.t = f.clk.t.Add(600 * time.Millisecond)
	if _, err := f.call("prod", "secret-value-1"); errType(err) != gatewayresponse.InvalidAPIKey {
		t.Errorf("after the TTL a disabled key is refused, got %v", err)
	}
	if err := f.st.DeleteAPIKey(context.Background(), "k1"); err != nil {
		t.Fatal(err)
	}
	f.clk.t = f.clk.t.Add(1100 * time.Millisecond)
	if _, err := f.call("prod", "secret-value-1"); errType(err) != gatewayresponse.InvalidAPIKey {
		t.Errorf("a deleted key is refused, got %v", err)
	}
}

func TestGuardThrottleAndQuota(t *testing.T) {
	plan := &model.UsagePlan{ID: "p1",
		APIStages: []model.UsagePlanStage{{APIID: "a1", Stage: "prod"}},
		Throttle:  &model.ThrottleSettings{RateLimit: 2, BurstLimit: 3},
		Quota:     &model.QuotaSettings{Limit: 5, Period: "DAY"},
	}
	f := newFixture(t, plan, nil)
	var got []string
	var retry []string
	for i := 0; i < 8; i++ {
		g, err := f.call("prod", "secret-value-1")
		got = append(got, string(errType(err)))
		retry = append(retry, g.Header.Get("Retry-After"))
		if i == 3 || i == 5 {
			f.clk.t = f.clk.t.Add(time.Second) // two tokens
		}
	}
	want := []string{"", "", "", "THROTTLED", "", "", "QUOTA_EXCEEDED", "QUOTA_EXCEEDED"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("call %d: %q, want %q (all: %q)", i, got[i], want[i], got)
		}
	}
	// At 10:00:00 a token is half a second away; at 10:00:02 the day ends in 13:59:58.
	if retry[3] != "1" || retry[6] != "50398" || retry[0] != "" {
		t.Errorf("Retry-After = %q", retry)
	}
	u, err := f.e.Usage(context.Background(), plan, []string{"k1", "k2"}, t0.AddDate(0, 0, -1).Truncate(24*time.Hour), t0.Truncate(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if d := u.Items["k1"]; len(d) != 2 || d[0] != [2]int64{0, 5} || d[1] != [2]int64{5, 0} {
		t.Errorf("usage of k1 = %v, want [[0 5] [5 0]]", d)
	}
	if d := u.Items["k2"]; len(d) != 2 || d[1] != [2]int64{0, 5} {
		t.Errorf("usage of k2 = %v", d)
	}
	// The next day the quota starts again.
	f.clk.t = t0.Add(14 * time.Hour)
	if _, err := f.call("prod", "secret-value-1"); err != nil {
		t.Errorf("a new day: %v", err)
	}
}

// TestGuardMethodOverride: the plan's per-method throttle wins over the
// plan-wide one, under API Gateway's key spelling and the escaped one.
func TestGuardMethodOverride(t *testing.T) {
	for _, key := range []string{"/pets/GET", "~1pets/GET"} {
		t.Run(key, func(t *testing.T) {
			plan := &model.UsagePlan{ID: "p1",
				APIStages: []model.UsagePlanStage{{APIID: "a1", Stage: "prod",
					Throttle: map[string]*model.ThrottleSettings{key: {RateLimit: 1, BurstLimit: 1}}}},
				Throttle: &model.ThrottleSettings{RateLimit: 100, BurstLimit: 100},
			}
			f := newFixture(t, plan, nil)
			if _, err := f.call("prod", "secret-value-1"); err != nil {
				t.Fatal(err)
			}
			if _, err := f.call("prod", "secret-value-1"); errType(err) != gatewayresponse.Throttled {
				t.Errorf("second call within a second: %v, want THROTTLED", err)
			}
		})
	}
}

func TestStageThrottle(t *testing.T) {
	tests := []struct {
		name     string
		settings map[string]*model.MethodSetting
		passes   int
	}{
		{"stage default", map[string]*model.MethodSetting{"*/*": {ThrottlingRateLimit: 1, ThrottlingBurstLimit: 2}}, 2},
		{"method wins over default", map[string]*model.MethodSetting{
			"*/*": {ThrottlingRateLimit: 1, ThrottlingBurstLimit: 2}, "/pets/GET": {ThrottlingRateLimit: 1, ThrottlingBurstLimit: 4}}, 4},
		{"another method's setting", map[string]*model.MethodSetting{"/cats/GET": {ThrottlingRateLimit: 1, ThrottlingBurstLimit: 1}}, 10},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := New(Config{Store: newTestStore(t), Now: func() time.Time { return t0 }})
			if err != nil {
				t.Fatal(err)
			}
			m := &model.Method{HTTPMethod: "GET"}
			g, err := e.Guard(&model.API{RestAPI: model.RestAPI{ID: "a1"}}, &model.Stage{StageName: "prod", MethodSettings: tc.settings},
				&model.Resource{Path: "/pets"}, m)
			if err != nil {
				t.Fatal(err)
			}
			if g == nil {
				if tc.passes != 10 {
					t.Fatal("no guard built")
				}
				return
			}
			passed := 0
			for range 10 {
				r, _ := http.NewRequest("GET", "http://gw/pets", nil)
				gr := &pipeline.GuardRequest{HTTP: r, APIID: "a1", Stage: "prod", Context: &reqctx.Context{}, Header: http.Header{}}
				if err := g(context.Background(), gr); err == nil {
					passed++
				} else if errType(err) != gatewayresponse.Throttled || gr.Header.Get("Retry-After") != "1" {
					t.Fatalf("refusal: %v, Retry-After %q", err, gr.Header.Get("Retry-After"))
				}
			}
			if passed != tc.passes {
				t.Errorf("%d passed, want %d", passed, tc.passes)
			}
		})
	}
}

func TestGuardFactoryErrors(t *testing.T) {
	e, err := New(Config{Store: newTestStore(t)})
	if err != nil {
		t.Fatal(err)
	}
	m := &model.Method{HTTPMethod: "GET", APIKeyRequired: true}
	res := &model.Resource{Path: "/pets"}
	if _, err := e.Guard(&model.API{RestAPI: model.RestAPI{ID: "a", APIKeySource: "COOKIE"}}, &model.Stage{}, res, m); err == nil {
		t.Error("an unknown apiKeySource must be refused")
	}
	st := &model.Stage{StageName: "prod", MethodSettings: map[string]*model.MethodSetting{"*/*": {ThrottlingRateLimit: -2}}}
	if _, err := e.Guard(&model.API{RestAPI: model.RestAPI{ID: "a"}}, st, res, m); err == nil {
		t.Error("a negative stage rate must be refused")
	}
	if g, err := e.Guard(&model.API{RestAPI: model.RestAPI{ID: "a"}}, &model.Stage{}, res, &model.Method{HTTPMethod: "GET"}); g != nil || err != nil {
		t.Errorf("a method without key or throttle needs no guard: %v %v", g != nil, err)
	}
	if _, err := New(Config{}); err == nil {
		t.Error("New without a store must fail")
	}
}

// TestAuthorizerKeySource reads the key an authorizer put in $context.
func TestAuthorizerKeySource(t *testing.T) {
	f := newFixture(t, &model.UsagePlan{ID: "p1", APIStages: []model.UsagePlanStage{{APIID: "a1", Stage: "prod"}}}, nil)
	m := &model.Method{HTTPMethod: "GET", APIKeyRequired: true}
	g, err := f.e.Guard(&model.API{RestAPI: model.RestAPI{ID: "a1", APIKeySource: "AUTHORIZER"}}, &model.Stage{StageName: "prod"}, &model.Resource{Path: "/pets"}, m)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := http.NewRequest("GET", "http://gw/pets", nil)
	r.Header.Set("x-api-key", "secret-value-1")
	gr := &pipeline.GuardRequest{HTTP: r, APIID: "a1", Stage: "prod", Context: &reqctx.Context{}, Header: http.Header{}}
	if err := g(context.Background(), gr); errType(err) != gatewayresponse.InvalidAPIKey {
		t.Errorf("with AUTHORIZER the header is not read: %v", err)
	}
	gr.Context.Identity.APIKey = "secret-value-1"
	if err := g(context.Background(), gr); err != nil || gr.Context.Identity.APIKeyID != "k1" {
		t.Errorf("the authorizer's key: %v %+v", err, gr.Context.Identity)
	}
}

// BenchmarkGuard measures the per-request cost of a key with a throttle
// and a quota, the cache warm.
func BenchmarkGuard(b *testing.B) {
	benchmarkGuard(b, &model.QuotaSettings{Limit: 1 << 30, Period: "MONTH"})
}

// BenchmarkGuardQuotaOffset is BenchmarkGuard with an offset, which reads
// the quota's start on every request.
func BenchmarkGuardQuotaOffset(b *testing.B) {
	benchmarkGuard(b, &model.QuotaSettings{Limit: 1 << 30, Period: "MONTH", Offset: 1000})
}

func benchmarkGuard(b *testing.B, q *model.QuotaSettings) {
	f := newFixture(b, &model.UsagePlan{ID: "p1", APIStages: []model.UsagePlanStage{{APIID: "a1", Stage: "prod"}},
		Throttle: &model.ThrottleSettings{RateLimit: 1e9, BurstLimit: 1e9},
		Quota:    q, QuotaStart: t0.Format(time.RFC3339)}, nil)
	r, _ := http.NewRequest("GET", "http://gw/pets", nil)
	r.Header.Set("x-api-key", "secret-value-1")
	gr := &pipeline.GuardRequest{HTTP: r, APIID: "a1", Stage: "prod", Context: &reqctx.Context{}, Header: http.Header{}}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := f.g(ctx, gr); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStageThrottle is the cost for a method with only a stage throttle.
func BenchmarkStageThrottle(b *testing.B) {
	e, _ := New(Config{Store: newTestStore(b)})
	m := &model.Method{HTTPMethod: "GET"}
	g, err := e.Guard(&model.API{RestAPI: model.RestAPI{ID: "a1"}}, &model.Stage{StageName: "prod",
		MethodSettings: map[string]*model.MethodSetting{"*/*": {ThrottlingRateLimit: 1e9, ThrottlingBurstLimit: 1e9}}}, &model.Resource{Path: "/pets"}, m)
	if err != nil {
		b.Fatal(err)
	}
	r, _ := http.NewRequest("GET", "http://gw/pets", nil)
	gr := &pipeline.GuardRequest{HTTP: r, APIID: "a1", Stage: "prod", Context: &reqctx.Context{}, Header: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		if err := g(context.Background(), gr); err != nil {
			b.Fatal(err)
		}
	}
}

// TestGuardQuotaOffset: in the week the quota came into effect a key gets
// the limit less the offset, the next week the full limit, and usage
// reports remaining by the same rule.
func TestGuardQuotaOffset(t *testing.T) {
	plan := &model.UsagePlan{ID: "p1",
		APIStages:  []model.UsagePlanStage{{APIID: "a1", Stage: "prod"}},
		Quota:      &model.QuotaSettings{Limit: 5, Period: "WEEK", Offset: 3},
		QuotaStart: t0.Add(-time.Hour).Format(time.RFC3339), // Sunday 09:00
	}
	f := newFixture(t, plan, nil)
	calls := func(n int) (got []string, retry string) {
		for range n {
			g, err := f.call("prod", "secret-value-1")
			got = append(got, string(errType(err)))
			retry = g.Header.Get("Retry-After")
		}
		return got, retry
	}
	first, retry := calls(4)
	if want := []string{"", "", "QUOTA_EXCEEDED", "QUOTA_EXCEEDED"}; strings.Join(first, ",") != strings.Join(want, ",") {
		t.Fatalf("initial week: %q, want %q", first, want)
	}
	// Sunday 10:00 to the next Sunday 00:00 is 6 days and 14 hours.
	if retry != "568800" {
		t.Errorf("Retry-After = %q, want 568800", retry)
	}
	// On Saturday the initial week's budget is still spent.
	f.clk.t = day("2026-11-28T23:59:59Z")
	if got, _ := calls(1); got[0] != "QUOTA_EXCEEDED" {
		t.Errorf("Saturday of the initial week: %q", got)
	}
	f.clk.t = day("2026-11-29T00:00:00Z")
	second, _ := calls(6)
	if want := []string{"", "", "", "", "", "QUOTA_EXCEEDED"}; strings.Join(second, ",") != strings.Join(want, ",") {
		t.Fatalf("the week after: %q, want %q", second, want)
	}
	u, err := f.e.Usage(context.Background(), plan, []string{"k1"}, day("2026-11-21T00:00:00Z"), day("2026-11-29T00:00:00Z"))
	if err != nil {
		t.Fatal(err)
	}
	want := [][2]int64{{0, 5}, {2, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {5, 0}}
	if d := u.Items["k1"]; len(d) != len(want) || !slices.Equal(d, want) {
		t.Errorf("usage = %v, want %v", d, want)
	}
}
