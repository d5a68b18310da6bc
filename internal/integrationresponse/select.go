package integrationresponse

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/ferrygw/ferry/internal/gatewayresponse"
	"github.com/ferrygw/ferry/internal/integrationrequest/mapping"
	"github.com/ferrygw/ferry/internal/mappingtemplate"
	"github.com/ferrygw/ferry/internal/model"
)

// KeyFunc gives the string selection patterns are matched against.
type KeyFunc func(status int, header http.Header, body []byte) string

// NoKey, returned by a KeyFunc, selects the default response without
// trying any pattern: a Lambda function that succeeded has no errorMessage,
// so not even a pattern that matches everything applies to it.
const NoKey = "\x00"

// StatusKey selects by the backend's status code, as HTTP and MOCK do.
func StatusKey(status int, _ http.Header, _ []byte) string { return strconv.Itoa(status) }

// Selector holds the compiled integration responses of one integration.
type Selector struct {
	key      KeyFunc
	patterns []*Response
	def      *Response
}

// Response is one compiled integration response.
type Response struct {
	// Status is the method response status.
	Status    int
	where     string
	pattern   *regexp.Regexp
	headers   []header
	keys      []string
	templates map[string]*mappingtemplate.Template
}

type header struct {
	name, key string
	src       mapping.Source
}

// ErrNoMatch reports a backend answer no integration response selects.
var ErrNoMatch = errors.New("no integration response matched and none is the default")

// Compile compiles in's integration responses. key picks the selection
// string; nil means StatusKey.
func Compile(in *model.Integration, key KeyFunc) (*Selector, error) {
	if key == nil {
		key = StatusKey
	}
	s := &Selector{key: key}
	codes := make([]string, 0, len(in.IntegrationResponses))
	for c := range in.IntegrationResponses {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, code := range codes {
		ir := in.IntegrationResponses[code]
		where := fmt.Sprintf("integration.integrationResponses[%q]", code)
		r, err := compileResponse(where, code, ir)
		if err != nil {
			return nil, err
		}
		if ir.SelectionPattern == "" {
			if s.def != nil {
				return nil, fmt.Errorf("%s: a second default response (empty selectionPattern) beside %s", where, s.def.where)
			}
			s.def = r
			continue
		}
		s.patterns = append(s.patterns, r)
	}
	return s, nil
}

func compileResponse(where, code string, ir *model.IntegrationResponse) (*Response, error) {
	sc := ir.StatusCode
	if sc == "" {
		sc = code
	}
	status, err := strconv.Atoi(sc)
	if err != nil || status < 100 || status > 599 {
		return nil, fmt.Errorf("%s.statusCode: %q is not an HTTP status", where, sc)
	}
	r := &Response{Status: status, where: where}
	if ir.SelectionPattern != "" {
		// API Gateway matches the whole string (Java's Pattern.matches).
		re, err := regexp.Compile(`^(?:` + ir.SelectionPattern + `)$`)
		if err != nil {
			return nil, fmt.Errorf("%s.selectionPattern: %v", where, err)
		}
		r.pattern = re
	}
	names := make([]string, 0, len(ir.ResponseParameters))
	for k := range ir.ResponseParameters {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		pw := fmt.Sprintf("%s.responseParameters[%q]", where, k)
		tg, err := mapping.ParseTarget(k, mapping.MethodResponseTargets)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", pw, err)
		}
		src, err := mapping.ParseSource(ir.ResponseParameters[k])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", pw, err)
		}
		switch src.Kind {
		case mapping.RequestBody, mapping.RequestBodyPath:
			return nil, fmt.Errorf("%s: a method response cannot read %s", pw, src)
		}
		r.headers = append(r.headers, header{name: tg.Name, key: k, src: src})
	}
	if len(ir.ResponseTemplates) > 0 {
		r.templates = make(map[string]*mappingtemplate.Template, len(ir.ResponseTemplates))
		for ct, src := range ir.ResponseTemplates {
			name := fmt.Sprintf("%s.responseTemplates[%q]", where, ct)
			t, err := mappingtemplate.Parse(name, src)
			if err != nil {
				return nil, templateError(name, err)
			}
			r.keys = append(r.keys, ct)
			r.templates[strings.ToLower(ct)] = t
		}
		sort.Strings(r.keys)
	}
	return r, nil
}

// Select picks the integration response for a backend answer. The error is
// the 500 API Gateway answers when nothing matches.
func (s *Selector) Select(status int, header http.Header, body []byte) (*Response, string, error) {
	k := s.key(status, header, body)
	if k != NoKey {
		for _, r := range s.patterns {
			if r.pattern.MatchString(k) {
				return r, k, nil
			}
		}
	}
	if s.def != nil {
		return s.def, k, nil
	}
	return nil, k, gatewayresponse.Internal(fmt.Errorf("selection key %q: %w", k, ErrNoMatch))
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
