package oas

import (
	"reflect"
	"sort"
	"testing"

	"github.com/ferrygw/ferry/internal/model"
)

// notFromOpenAPI lists the model fields no OpenAPI document can set, with
// the reason; every other field must be set by some valid testdata file,
// so that the golden and round-trip tests cover it.
var notFromOpenAPI = map[string]string{
	"GatewayResponse.DefaultResponse": "marks API Gateway's built-in responses; an imported one is never built in",
}

func TestTestdataSetsEveryField(t *testing.T) {
	set := map[string]bool{}
	seen := map[string]bool{}
	allFields(reflect.TypeOf(model.API{}), seen)
	for _, name := range validFiles {
		markFields(reflect.ValueOf(importFile(t, name)), set, seen)
	}
	var missing []string
	for f := range seen {
		if !set[f] && notFromOpenAPI[f] == "" {
			missing = append(missing, f)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("no valid testdata file sets %v; extend rich.yaml", missing)
	}
	for f := range notFromOpenAPI {
		if !seen[f] {
			t.Errorf("notFromOpenAPI names %s, which is not a model field", f)
		}
	}
}

var modelPkg = reflect.TypeOf(model.API{}).PkgPath()

// allFields records every field of every model type reachable from t, so a
// type that no testdata instantiates still counts as unset.
func allFields(t reflect.Type, seen map[string]bool) {
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map:
		allFields(t.Elem(), seen)
	case reflect.Struct:
		if t.PkgPath() != modelPkg || seen[t.Name()+"."+t.Field(0).Name] {
			return
		}
		for i := 0; i < t.NumField(); i++ {
			seen[t.Name()+"."+t.Field(i).Name] = true
			allFields(t.Field(i).Type, seen)
		}
	}
}

// markFields records, for every struct field of a model type reachable from
// v, whether some instance holds a non-zero value.
func markFields(v reflect.Value, set, seen map[string]bool) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			markFields(v.Elem(), set, seen)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			markFields(v.Index(i), set, seen)
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			markFields(iter.Value(), set, seen)
		}
	case reflect.Struct:
		t := v.Type()
		if t.PkgPath() != modelPkg {
			return
		}
		for i := 0; i < t.NumField(); i++ {
			name := t.Name() + "." + t.Field(i).Name
			seen[name] = true
			if !v.Field(i).IsZero() {
				set[name] = true
			}
			markFields(v.Field(i), set, seen)
		}
	}
}
