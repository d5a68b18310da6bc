package admin

import (
	"strings"
	"testing"

	"github.com/ferrygw/ferry/internal/model"
)

func TestPatchStageThrottling(t *testing.T) {
	tests := []struct {
		name    string
		op      PatchOperation
		handled bool
		want    map[string]model.MethodSetting
		err     string
	}{
		{"stage default rate", PatchOperation{Op: "replace", Path: "/*/*/throttling/rateLimit", Value: "100"}, true,
			map[string]model.MethodSetting{"*/*": {ThrottlingRateLimit: 100}, "/pets/GET": {ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10}}, ""},
		{"method burst", PatchOperation{Op: "replace", Path: "/~1pets~1{id}/DELETE/throttling/burstLimit", Value: "3"}, true,
			map[string]model.MethodSetting{"/pets/{id}/DELETE": {ThrottlingBurstLimit: 3}, "/pets/GET": {ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10}}, ""},
		{"root resource", PatchOperation{Op: "replace", Path: "/~1/GET/throttling/rateLimit", Value: "1.5"}, true,
			map[string]model.MethodSetting{"//GET": {ThrottlingRateLimit: 1.5}, "/pets/GET": {ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10}}, ""},
		{"remove a method", PatchOperation{Op: "remove", Path: "/~1pets/GET"}, true, map[string]model.MethodSetting{}, ""},
		{"not a throttling path", PatchOperation{Op: "replace", Path: "/description", Value: "x"}, false,
			map[string]model.MethodSetting{"/pets/GET": {ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10}}, ""},
		{"variables are not ours", PatchOperation{Op: "remove", Path: "/variables/color"}, false,
			map[string]model.MethodSetting{"/pets/GET": {ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10}}, ""},
		{"bad rate", PatchOperation{Op: "replace", Path: "/*/*/throttling/rateLimit", Value: "-1"}, true, nil, `rateLimit "-1"`},
		{"bad field", PatchOperation{Op: "replace", Path: "/*/*/throttling/limit", Value: "1"}, true, nil, `throttling field "limit"`},
		{"unescaped path", PatchOperation{Op: "replace", Path: "/pets/GET/throttling/rateLimit", Value: "1"}, true, nil, "the path's slashes as ~1"},
		{"burst without rate", PatchOperation{Op: "replace", Path: "/~1pets/GET/throttling/rateLimit", Value: "0"}, true, nil, "a burstLimit of 10 needs a rateLimit above 0"},
		{"remove a missing method", PatchOperation{Op: "remove", Path: "/~1cats/GET"}, true, nil, "no method settings for /cats/GET"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := &model.Stage{StageName: "prod", MethodSettings: map[string]*model.MethodSetting{
				"/pets/GET": {ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10}}}
			handled, err := PatchStageThrottling(st, tc.op)
			if handled != tc.handled {
				t.Fatalf("handled = %v, want %v", handled, tc.handled)
			}
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(st.MethodSettings) != len(tc.want) {
				t.Fatalf("settings %v, want %v", st.MethodSettings, tc.want)
			}
			for k, w := range tc.want {
				if g := st.MethodSettings[k]; g == nil || *g != w {
					t.Errorf("%s = %+v, want %+v", k, g, w)
				}
			}
		})
	}
}
