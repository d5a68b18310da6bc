package gatewayresponse

import (
	"errors"
	"fmt"
	"mime"
	"strings"

	"github.com/ferrygw/ferry/internal/mappingtemplate"
)

// templates are response templates keyed by content type, with API
// Gateway's choice by Accept. Shared by gateway responses and integration
// responses through ChooseByAccept.
type templates struct {
	keys []string // sorted
	byCT map[string]*mappingtemplate.Template
}

func compileTemplates(where string, m map[string]string) (templates, error) {
	t := templates{}
	if len(m) == 0 {
		return t, nil
	}
	t.byCT = make(map[string]*mappingtemplate.Template, len(m))
	for _, ct := range sortedKeys(m) {
		tp, err := mappingtemplate.Parse(fmt.Sprintf("%s[%q]", where, ct), m[ct])
		if err != nil {
			return t, templateError(fmt.Sprintf("%s[%q]", where, ct), err)
		}
		t.keys = append(t.keys, ct)
		t.byCT[strings.ToLower(ct)] = tp
	}
	return t, nil
}

func (t templates) choose(accept string) (string, *mappingtemplate.Template) {
	k := ChooseByAccept(accept, t.keys)
	if k == "" {
		return "", nil
	}
	return k, t.byCT[strings.ToLower(k)]
}

// ChooseByAccept picks the response template key for an Accept header the
// way API Gateway does: the first media type of Accept that has a template,
// else application/json, else the first key. keys must be sorted; "" means
// there are none.
func ChooseByAccept(accept string, keys []string) string {
	if len(keys) == 0 {
		return ""
	}
	for _, part := range strings.Split(accept, ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		for _, k := range keys {
			if strings.EqualFold(k, mt) {
				return k
			}
		}
	}
	for _, k := range keys {
		if strings.EqualFold(k, "application/json") {
			return k
		}
	}
	return keys[0]
}

// templateError names a template's field and keeps the engine's line:col,
// so an error reads `FIELD: 3:7: unexpected "#end"`.
func templateError(field string, err error) error {
	var te *mappingtemplate.Error
	if errors.As(err, &te) {
		return fmt.Errorf("%s: %d:%d: %s", field, te.Line, te.Col, te.Msg)
	}
	return fmt.Errorf("%s: %w", field, err)
}
