// Package mappingtemplate renders API Gateway mapping templates: the VTL
// language of package vtl with API Gateway's variables bound — $input,
// $util, $context, $stageVariables (and ferry's $kvm).
//
// A template is parsed once per deployment and rendered per request; a
// Template is safe for concurrent Render calls.
package mappingtemplate

import (
	"context"
	"errors"
	"time"

	"github.com/ferrygw/ferry/internal/reqctx"
)

// Input is everything a template can read about one request (or, in an
// integration response, about the backend's answer in Body).
type Input struct {
	// Body is the payload $input.body, $input.json and $input.path read.
	Body []byte
	// Path holds path parameters by name.
	Path map[string]string
	// Query holds query-string parameters, every value in arrival order.
	Query map[string][]string
	// Header holds request headers as received (canonical MIME keys), every value in order.
	Header map[string][]string
	// StageVariables are $stageVariables.
	StageVariables map[string]string
	// Context is $context; Render writes $context.requestOverride.* and
	// $context.responseOverride.* into it.
	Context *reqctx.Context
	// KVM reads a non-encrypted key-value map entry for $kvm.get(map, key); nil disables $kvm.
	KVM func(mapName, key string) (string, bool)
}

// Limits bound one render. Zero fields take the defaults.
type Limits struct {
	// MaxOutput is the largest output in bytes (default 10 MiB).
	MaxOutput int
	// MaxDuration is the longest a render may run (default 1s).
	MaxDuration time.Duration
}

// Template is a parsed mapping template.
type Template struct {
	name string
}

// Error is a parse or render error with its position in the template.
type Error struct {
	Name string // template name (a file name, or "requestTemplates[application/json]")
	Line int    // 1-based
	Col  int    // 1-based
	Msg  string
}

func (e *Error) Error() string { return "" }

// Parse parses a template. name appears in error messages.
func Parse(name, src string) (*Template, error) {
	return nil, errors.New("mappingtemplate: not implemented")
}

// Render runs the template against in.
func (t *Template) Render(ctx context.Context, in *Input, lim Limits) ([]byte, error) {
	return nil, errors.New("mappingtemplate: not implemented")
}
