package gateway

import (
	"strings"

	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/pipeline"
)

// table is one immutable generation of everything the data plane serves.
type table struct {
	// stages maps apiID → stage name → compiled stage.
	stages map[string]map[string]*servedStage
	// domains maps a lower-case host name → base path → target. The base path
	// "(none)" serves the whole domain.
	domains map[string]map[string]target
	// disabledExecuteAPI lists APIs whose execute-api endpoint is off.
	disabledExecuteAPI map[string]bool
}

// servedStage is a compiled stage and what it was compiled from, so a reload
// recompiles only stages whose deployment or settings changed.
type servedStage struct {
	pipeline *pipeline.Stage
	// fingerprint identifies the inputs of the compile (deployment id and the stage's JSON).
	fingerprint string
	// disableExecuteAPI mirrors the deployed API's disableExecuteApiEndpoint.
	disableExecuteAPI bool
	// err is the compile error of a stage that cannot be served; the rest of the gateway keeps serving.
	err error
}

type target struct {
	apiID, stage string
}

func (t *table) stage(apiID, name string) *servedStage {
	if t == nil {
		return nil
	}
	return t.stages[apiID][name]
}

// resolve finds the stage and the path within it. ok is false when the
// request names no known API stage.
func (t *table) resolve(host, path string) (apiID, stage, rest string, ok bool) {
	host = strings.ToLower(hostOnly(host))
	// 1. /restapis/{id}/{stage}/_user_request_/{path} on any host.
	// The segments are cut out of path rather than split into a new slice,
	// and rest is the tail of path itself: this runs for every request.
	if p, found := strings.CutPrefix(path, "/restapis/"); found {
		id, after, ok1 := strings.Cut(p, "/")
		name, after, ok2 := strings.Cut(after, "/")
		marker, tail, more := strings.Cut(after, "/")
		if ok1 && ok2 && marker == "_user_request_" {
			rest = "/"
			if more {
				rest = p[len(p)-len(tail)-1:]
			}
			if t.disabledExecuteAPI[id] {
				return "", "", "", false
			}
			return id, name, rest, t.stage(id, name) != nil
		}
	}
	// 2. {apiId}.execute-api.{anything}/{stage}/{path}
	if i := strings.Index(host, ".execute-api."); i > 0 {
		apiID = host[:i]
		if t.disabledExecuteAPI[apiID] {
			return "", "", "", false
		}
		stage, rest = splitFirst(path)
		return apiID, stage, rest, t.stage(apiID, stage) != nil
	}
	// 3. A custom domain name with base-path mappings.
	if m, found := t.domains[host]; found {
		first, after := splitFirst(path)
		if tg, hit := m[first]; hit && first != "" {
			return tg.apiID, tg.stage, after, t.stage(tg.apiID, tg.stage) != nil
		}
		if tg, hit := m["(none)"]; hit {
			if path == "" {
				path = "/"
			}
			return tg.apiID, tg.stage, path, t.stage(tg.apiID, tg.stage) != nil
		}
	}
	return "", "", "", false
}

// splitFirst splits "/a/b/c" into "a" and "/b/c" ("/" when nothing follows).
func splitFirst(path string) (first, rest string) {
	p := strings.TrimPrefix(path, "/")
	if i := strings.IndexByte(p, '/'); i >= 0 {
		return p[:i], p[i:]
	}
	return p, "/"
}

func hostOnly(hostport string) string {
	if strings.HasPrefix(hostport, "[") {
		if i := strings.IndexByte(hostport, ']'); i > 0 {
			return hostport[1:i]
		}
	}
	if i := strings.LastIndexByte(hostport, ':'); i >= 0 && !strings.Contains(hostport[i+1:], "]") {
		return hostport[:i]
	}
	return hostport
}

// buildDomains indexes base-path mappings by host.
func buildDomains(mappings []*model.BasePathMapping) map[string]map[string]target {
	out := make(map[string]map[string]target)
	for _, m := range mappings {
		h := strings.ToLower(m.DomainName)
		if out[h] == nil {
			out[h] = make(map[string]target)
		}
		bp := m.BasePath
		if bp == "" {
			bp = "(none)"
		}
		out[h][bp] = target{apiID: m.RestAPIID, stage: m.Stage}
	}
	return out
}
