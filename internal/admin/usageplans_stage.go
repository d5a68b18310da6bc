package admin

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ferrygw/ferry/internal/model"
)

// PatchStageThrottling applies one of API Gateway's stage patch operations
// on method throttling to st:
//
//	replace /*/*/throttling/rateLimit            every method of the stage
//	replace /~1pets~1{id}/GET/throttling/burstLimit  one method, its path's slashes as ~1
//	remove  /~1pets/GET                          drop a method's settings
//
// It reports false for any other path, so the stage's own patch handler
// can call it first and carry on with its paths. Settings are stored under
// "*/*" and "/pets/{id}/GET", the keys the gateway's throttle reads.
func PatchStageThrottling(st *model.Stage, op PatchOperation) (bool, error) {
	p := strings.TrimPrefix(op.Path, "/")
	if op.Op == "remove" && !strings.Contains(p, "/throttling/") {
		key, ok := methodSettingKey(p)
		if !ok {
			return false, nil
		}
		if _, exists := st.MethodSettings[key]; !exists {
			return true, fmt.Errorf("stage %s: no method settings for %s", st.StageName, key)
		}
		delete(st.MethodSettings, key)
		return true, nil
	}
	method, field, ok := strings.Cut(p, "/throttling/")
	if !ok {
		return false, nil
	}
	key, ok := methodSettingKey(method)
	if !ok {
		return true, fmt.Errorf("path %q: want /RESOURCE_PATH/METHOD/throttling/FIELD, the path's slashes as ~1, or /*/*/throttling/FIELD", op.Path)
	}
	if op.Op != "replace" {
		return true, fmt.Errorf("path %q: op %q: want replace", op.Path, op.Op)
	}
	if st.MethodSettings == nil {
		st.MethodSettings = map[string]*model.MethodSetting{}
	}
	ms := st.MethodSettings[key]
	if ms == nil {
		ms = &model.MethodSetting{}
		st.MethodSettings[key] = ms
	}
	switch field {
	case "rateLimit":
		f, err := strconv.ParseFloat(op.Value, 64)
		if err != nil || f < 0 {
			return true, fmt.Errorf("path %q: rateLimit %q: want a number of requests per second, 0 or more", op.Path, op.Value)
		}
		ms.ThrottlingRateLimit = f
	case "burstLimit":
		n, err := strconv.Atoi(op.Value)
		if err != nil || n < 0 {
			return true, fmt.Errorf("path %q: burstLimit %q: want a whole number, 0 or more", op.Path, op.Value)
		}
		ms.ThrottlingBurstLimit = n
	default:
		return true, fmt.Errorf("path %q: throttling field %q: want rateLimit or burstLimit", op.Path, field)
	}
	if ms.ThrottlingRateLimit == 0 && ms.ThrottlingBurstLimit > 0 && field == "rateLimit" {
		return true, fmt.Errorf("path %q: a burstLimit of %d needs a rateLimit above 0", op.Path, ms.ThrottlingBurstLimit)
	}
	return true, nil
}

// methodSettingKey reads "~1pets/GET" or "*/*" (the leading slash gone).
func methodSettingKey(p string) (string, bool) {
	if p == "*/*" {
		return p, true
	}
	i := strings.LastIndexByte(p, '/')
	if i <= 0 || i == len(p)-1 || !strings.HasPrefix(p, "~1") {
		return "", false
	}
	return strings.ReplaceAll(p[:i], "~1", "/") + "/" + p[i+1:], true
}
