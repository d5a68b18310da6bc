package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ferrygw/ferry/internal/usageplan"
)

// keyedAPI is a MOCK API whose GET /items needs an x-api-key and whose
// GET /open does not.
func keyedAPI(t *testing.T) string {
	return writeFile(t, "keyed.yaml", `openapi: 3.0.1
info: {title: keyed, version: "1"}
components:
  securitySchemes:
    api_key: {type: apiKey, name: x-api-key, in: header}
paths:
  /items:
    get:
      security: [{api_key: []}]
      responses: {"200": {description: ok}}
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: {application/json: '{"statusCode": 200}'}
        responses:
          default:
            statusCode: "200"
            responseTemplates: {application/json: '{"keyId": "$context.identity.apiKeyId"}'}
  /open:
    get:
      responses: {"200": {description: ok}}
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: {application/json: '{"statusCode": 200}'}
        responses: {default: {statusCode: "200"}}
`)
}

// TestUsagePlans runs keys, a throttle and a quota through the real
// `ferry serve`: 403 for a missing, wrong or disabled key; a load loop
// whose accepted rate stays within 10 % of the plan's; a quota that cuts
// off at exactly its number and still holds after a redeploy; a quota with
// an offset that cuts off at exactly limit - offset in its first period;
// and usage per key read back through the CLI.
func TestUsagePlans(t *testing.T) {
	f := startFerry(t, "")
	spec := keyedAPI(t)
	id := strings.TrimSpace(f.cli("import", spec))
	f.cli("deploy", id, "--stage", "prod")

	const fastValue, meteredValue = "fast-key-value-0123456789", "metered-key-value-0123456789"
	fast := strings.TrimSpace(f.cli("apikey", "create", "fast", "--value", fastValue))
	metered := strings.TrimSpace(f.cli("apikey", "create", "metered", "--value", meteredValue))
	// The burst is a second's worth, so a loaded machine that pauses the
	// load loop for less than a second does not cost the bucket tokens.
	const rate, burst, quota = 20, 20, 25
	throttled := strings.TrimSpace(f.cli("usageplan", "create", "throttled", "--api", id, "--stage", "prod",
		"--rate", strconv.Itoa(rate), "--burst", strconv.Itoa(burst)))
	daily := strings.TrimSpace(f.cli("usageplan", "create", "daily", "--api", id, "--stage", "prod",
		"--quota", strconv.Itoa(quota), "--period", "DAY"))
	f.cli("usageplan", "add-key", throttled, fast)
	f.cli("usageplan", "add-key", daily, metered)

	t.Run("keys", func(t *testing.T) {
		tests := []struct {
			name   string
			header map[string]string
			path   string
			status int
			body   string
		}{
			{"no key", nil, "/items", 403, `{"message":"Forbidden"}`},
			{"wrong key", map[string]string{"x-api-key": "not-a-key-of-this-server"}, "/items", 403, `{"message":"Forbidden"}`},
			{"valid key", map[string]string{"x-api-key": meteredValue}, "/items", 200, `{"keyId": "` + metered + `"}`},
			{"method without a key", nil, "/open", 200, ""},
		}
		for _, tc := range tests {
			resp, body := f.call("GET", id, "prod", tc.path, nil, tc.header)
			if resp.StatusCode != tc.status || (tc.body != "" && strings.TrimSpace(body) != tc.body) {
				t.Errorf("%s: %d %s, want %d %s", tc.name, resp.StatusCode, body, tc.status, tc.body)
			}
		}
	})

	t.Run("throttle holds its rate", func(t *testing.T) {
		accepted, refused, start, end := load(t, f.Data+"/restapis/"+id+"/prod/_user_request_/items", fastValue, 4, 3*time.Second)
		elapsed := end.Sub(start).Seconds()
		want := float64(burst) + rate*elapsed
		t.Logf("%d accepted, %d throttled in %.2fs: %.1f/s after the burst, plan %d/s", accepted, refused, elapsed,
			(float64(accepted)-burst)/elapsed, rate)
		if math.Abs(float64(accepted)-want) > 0.1*want {
			t.Errorf("%d requests accepted in %.2fs; a bucket of %d/s burst %d accepts %.0f (±10%%)", accepted, elapsed, rate, burst, want)
		}
		if refused == 0 {
			t.Error("the load loop was never throttled; it did not test the limit")
		}
	})

	t.Run("quota cuts off at its number", func(t *testing.T) {
		// One call was spent in the keys table above.
		ok, lastStatus := 1, 0
		var retry string
		for i := 0; i < quota+10; i++ {
			resp, body := f.call("GET", id, "prod", "/items", nil, map[string]string{"x-api-key": meteredValue})
			switch resp.StatusCode {
			case 200:
				ok++
				if lastStatus == 429 {
					t.Fatalf("call %d was accepted after a refusal", i)
				}
			case 429:
				if strings.TrimSpace(body) != `{"message":"Limit Exceeded"}` {
					t.Errorf("quota refusal body %s", body)
				}
				retry = resp.Header.Get("Retry-After")
			default:
				t.Fatalf("call %d: %d %s", i, resp.StatusCode, body)
			}
			lastStatus = resp.StatusCode
		}
		if ok != quota {
			t.Errorf("%d calls accepted, want exactly %d", ok, quota)
		}
		if s, err := strconv.Atoi(retry); err != nil || s < 1 || s > 86400 {
			t.Errorf("Retry-After %q: want the seconds until the end of the UTC day", retry)
		}
	})

	t.Run("an offset cuts the first period to limit - offset", func(t *testing.T) {
		// The first period is this UTC month; a run that would straddle
		// its end waits for the next one rather than count across it.
		if now := time.Now().UTC(); now.AddDate(0, 0, 1).Day() == 1 && now.Hour() == 23 && now.Minute() == 59 {
			time.Sleep(time.Until(now.Truncate(time.Minute).Add(time.Minute + time.Second)))
		}
		const limit, offset = 12, 5
		const value = "started-key-value-0123456789"
		key := strings.TrimSpace(f.cli("apikey", "create", "started", "--value", value))
		plan := strings.TrimSpace(f.cli("usageplan", "create", "started", "--api", id, "--stage", "prod",
			"--quota", strconv.Itoa(limit), "--period", "MONTH", "--offset", strconv.Itoa(offset)))
		f.cli("usageplan", "add-key", plan, key)
		var p struct {
			QuotaStart string `json:"ferryQuotaStart"`
		}
		if err := json.Unmarshal([]byte(f.cli("usageplan", "get", plan, "--output", "json")), &p); err != nil {
			t.Fatal(err)
		}
		if at, err := time.Parse(time.RFC3339, p.QuotaStart); err != nil || time.Since(at) > time.Minute {
			t.Errorf("ferryQuotaStart %q: want the plan's creation time", p.QuotaStart)
		}
		accepted := func(n int) int { return quotaAccepted(t, f, id, value, n) }
		if got := accepted(limit + 3); got != limit-offset {
			t.Errorf("%d calls accepted in the first month, want exactly %d - %d = %d", got, limit, offset, limit-offset)
		}
		var u struct {
			Items map[string][][]int `json:"items"`
		}
		if err := json.Unmarshal([]byte(f.cli("usageplan", "usage", plan, "--output", "json")), &u); err != nil {
			t.Fatal(err)
		}
		if d := u.Items[key]; len(d) != 1 || d[0][0] != limit-offset || d[0][1] != 0 {
			t.Errorf("usage = %v, want [[%d 0]]", d, limit-offset)
		}
		// A smaller offset starts a new first period, this same month:
		// the key gets the difference, and no more.
		f.cli("usageplan", "update", plan, "--offset", "2")
		// The gateway reads plans through a cache of this lifetime.
		time.Sleep(usageplan.DefaultCacheTTL + 500*time.Millisecond)
		if got := accepted(6); got != offset-2 {
			t.Errorf("%d calls accepted after the offset went from %d to 2, want %d", got, offset, offset-2)
		}
	})

	t.Run("limits survive a redeploy", func(t *testing.T) {
		f.cli("import", spec, "--api-id", id)
		f.cli("deploy", id, "--stage", "prod")
		resp, body := f.call("GET", id, "prod", "/items", nil, map[string]string{"x-api-key": meteredValue})
		if resp.StatusCode != 429 || !strings.Contains(body, "Limit Exceeded") {
			t.Errorf("after a redeploy the spent quota must still refuse: %d %s", resp.StatusCode, body)
		}
	})

	t.Run("usage per key through the CLI", func(t *testing.T) {
		var u struct {
			UsagePlanID string             `json:"usagePlanId"`
			Items       map[string][][]int `json:"items"`
		}
		if err := json.Unmarshal([]byte(f.cli("usageplan", "usage", daily, "--output", "json")), &u); err != nil {
			t.Fatal(err)
		}
		if d := u.Items[metered]; u.UsagePlanID != daily || len(d) != 1 || d[0][0] != quota || d[0][1] != 0 {
			t.Errorf("usage of the metered key = %+v, want [[%d 0]]", u, quota)
		}
		if out := f.cli("usageplan", "usage", throttled, "--key", fast); !strings.Contains(out, fast) {
			t.Errorf("usage table for the fast key:\n%s", out)
		}
	})

	t.Run("a disabled key stops within seconds", func(t *testing.T) {
		// A call just before, so the gateway holds the key in its cache.
		if resp, _ := f.call("GET", id, "prod", "/items", nil, map[string]string{"x-api-key": fastValue}); resp.StatusCode == 403 {
			t.Fatal("the key was refused before it was disabled")
		}
		f.cli("apikey", "disable", fast)
		disabled := time.Now()
		deadline := disabled.Add(5 * time.Second)
		defer func() { t.Logf("refused %v after the key was disabled", time.Since(disabled).Round(time.Millisecond)) }()
		for {
			resp, _ := f.call("GET", id, "prod", "/items", nil, map[string]string{"x-api-key": fastValue})
			if resp.StatusCode == 403 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the disabled key still gets %d after 5s", resp.StatusCode)
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
}

// load sends GETs with key from workers for d, at most 5000 per worker and
// one per 2 ms each (far above any plan it tests, kind to a shared machine), and
// counts 200s and 429s; it fails on anything else or a 429 without a
// Retry-After. start and end are the first and last send times, so the
// time answers take to arrive does not stretch the window.
func load(t *testing.T, url, key string, workers int, d time.Duration) (accepted, refused int64, start, end time.Time) {
	t.Helper()
	var ok, tooMany, lastSend atomic.Int64
	var mu sync.Mutex
	var bad []string
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	start = time.Now()
	stop := start.Add(d)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 5000 && time.Now().Before(stop); i++ {
				req, _ := http.NewRequest("GET", url, nil)
				req.Header.Set("x-api-key", key)
				sent := time.Now().UnixNano()
				for prev := lastSend.Load(); sent > prev && !lastSend.CompareAndSwap(prev, sent); prev = lastSend.Load() {
				}
				resp, err := client.Do(req)
				if err != nil {
					mu.Lock()
					bad = append(bad, err.Error())
					mu.Unlock()
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				time.Sleep(2 * time.Millisecond)
				switch {
				case resp.StatusCode == 200:
					ok.Add(1)
				case resp.StatusCode == 429 && resp.Header.Get("Retry-After") != "":
					tooMany.Add(1)
				default:
					mu.Lock()
					bad = append(bad, fmt.Sprintf("%d Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After")))
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	end = time.Unix(0, lastSend.Load())
	if len(bad) > 0 {
		t.Fatalf("%d unexpected answers under load, first: %s", len(bad), bad[0])
	}
	return ok.Load(), tooMany.Load(), start, end
}

// TestUsagePlanQuotaSurvivesRestart spends part of a daily quota, stops
// ferry with SIGTERM and starts it again on the same data directory: the
// key has exactly the remainder left and usage reports the count from
// before the restart. Then it kills ferry (SIGKILL) a few flush intervals
// after more calls: those were written by the periodic flush alone.
func TestUsagePlanQuotaSurvivesRestart(t *testing.T) {
	// The quota is per UTC day; a run that would straddle midnight waits
	// for the new day rather than count across it.
	if now := time.Now().UTC(); now.Hour() == 23 && now.Minute() == 59 {
		time.Sleep(time.Until(now.Truncate(time.Minute).Add(time.Minute + time.Second)))
	}
	const flush = 200 * time.Millisecond
	opts := serveOptions{config: "usagePlans:\n  flushInterval: " + flush.String() + "\n"}
	f := startFerryWith(t, opts)
	id := strings.TrimSpace(f.cli("import", keyedAPI(t)))
	f.cli("deploy", id, "--stage", "prod")
	const value, crashValue = "durable-key-value-0123456789", "crashed-key-value-0123456789"
	key := strings.TrimSpace(f.cli("apikey", "create", "durable", "--value", value))
	crashKey := strings.TrimSpace(f.cli("apikey", "create", "crashed", "--value", crashValue))
	const limit, spent = 10, 4
	plan := strings.TrimSpace(f.cli("usageplan", "create", "restart", "--api", id, "--stage", "prod",
		"--quota", strconv.Itoa(limit), "--period", "DAY"))
	f.cli("usageplan", "add-key", plan, key)
	f.cli("usageplan", "add-key", plan, crashKey)

	accepted := func(g *ferry, keyValue string, n int) int { return quotaAccepted(t, g, id, keyValue, n) }
	usage := func(g *ferry, keyID string) [][]int {
		t.Helper()
		var u struct {
			Items map[string][][]int `json:"items"`
		}
		if err := json.Unmarshal([]byte(g.cli("usageplan", "usage", plan, "--output", "json")), &u); err != nil {
			t.Fatal(err)
		}
		return u.Items[keyID]
	}
	sameUsage := func(got [][]int, used, remaining int) bool {
		return len(got) == 1 && len(got[0]) == 2 && got[0][0] == used && got[0][1] == remaining
	}

	if got := accepted(f, value, spent); got != spent {
		t.Fatalf("%d of the first %d calls accepted", got, spent)
	}
	if err := f.stop(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM: %v (want exit 0)", err)
	}

	g := startFerryWith(t, serveOptions{dataDir: f.DataDir, config: opts.config})
	if u := usage(g, key); !sameUsage(u, spent, limit-spent) {
		t.Errorf("usage after the restart = %v, want [[%d %d]]", u, spent, limit-spent)
	}
	if got := accepted(g, value, limit); got != limit-spent {
		t.Errorf("%d calls accepted after the restart, want exactly the remainder %d - %d = %d", got, limit, spent, limit-spent)
	}
	if u := usage(g, key); !sameUsage(u, limit, 0) {
		t.Errorf("usage once the quota is spent = %v, want [[%d 0]]", u, limit)
	}

	// Without a shutdown, what reached the store is what the periodic
	// flush wrote; ten intervals leave it ample time.
	const crashSpent = 3
	loads := strings.Count(g.logs.String(), "configuration loaded")
	if got := accepted(g, crashValue, crashSpent); got != crashSpent {
		t.Fatalf("%d of %d calls accepted on the second key", got, crashSpent)
	}
	time.Sleep(10 * flush)
	// Counter flushes are not configuration: they must not make the
	// gateway reload its stages.
	if n := strings.Count(g.logs.String(), "configuration loaded"); n != loads {
		t.Errorf("the gateway reloaded %d times while only counters were flushed", n-loads)
	}
	_ = g.stop(syscall.SIGKILL)
	h := startFerryWith(t, serveOptions{dataDir: f.DataDir, config: opts.config})
	if u := usage(h, crashKey); !sameUsage(u, crashSpent, limit-crashSpent) {
		t.Errorf("usage after a kill = %v, want [[%d %d]]", u, crashSpent, limit-crashSpent)
	}
	if got := accepted(h, crashValue, limit); got != limit-crashSpent {
		t.Errorf("%d calls accepted after a kill, want %d", got, limit-crashSpent)
	}
	if got := accepted(h, value, 2); got != 0 {
		t.Errorf("the spent key got %d calls after a second restart", got)
	}
}

// quotaAccepted makes n calls of GET /items on the API's prod stage with
// an API key and counts the 200s until the first 429 Limit Exceeded; a 200
// after a refusal, or any other answer, fails the test.
func quotaAccepted(t *testing.T, f *ferry, apiID, keyValue string, n int) int {
	t.Helper()
	ok, refused := 0, false
	for i := 0; i < n; i++ {
		resp, body := f.call("GET", apiID, "prod", "/items", nil, map[string]string{"x-api-key": keyValue})
		switch {
		case resp.StatusCode == 200 && refused:
			t.Fatalf("call %d was accepted after a refusal", i)
		case resp.StatusCode == 200:
			ok++
		case resp.StatusCode == 429 && strings.Contains(body, "Limit Exceeded"):
			refused = true
		default:
			t.Fatalf("call %d: %d %s", i, resp.StatusCode, body)
		}
	}
	return ok
}
