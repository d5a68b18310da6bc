package mappingtemplate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/ferrygw/ferry/internal/reqctx"
	"github.com/ferrygw/ferry/internal/vtl"
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

// Defaults applied to zero Limits fields, and API Gateway's own bound on
// #foreach iterations.
const (
	DefaultMaxOutput   = 10 << 20
	DefaultMaxDuration = time.Second
	MaxForeach         = 1000
)

// Template is a parsed mapping template.
type Template struct {
	name     string
	t        *vtl.Template
	sizeHint int
}

// Error is a parse or render error with its position in the template.
type Error struct {
	Name string // template name (a file name, or "requestTemplates[application/json]")
	Line int    // 1-based
	Col  int    // 1-based
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d:%d: %s", e.Name, e.Line, e.Col, e.Msg) }

func wrapErr(name string, err error) error {
	var ve *vtl.Error
	if errors.As(err, &ve) {
		return &Error{Name: name, Line: ve.Line, Col: ve.Col, Msg: ve.Msg}
	}
	return &Error{Name: name, Line: 1, Col: 1, Msg: err.Error()}
}

// Parse parses a template. name appears in error messages.
func Parse(name, src string) (*Template, error) {
	t, err := vtl.Parse(name, src)
	if err != nil {
		return nil, wrapErr(name, err)
	}
	// Most outputs are about as long as the template's text; growing the
	// buffer once up front saves the doublings.
	return &Template{name: name, t: t, sizeHint: len(src) + 64}, nil
}

// Name returns the name given to Parse.
func (t *Template) Name() string { return t.name }

// String prints the parsed template back as source.
func (t *Template) String() string { return t.t.Root.String() }

// Render runs the template against in.
func (t *Template) Render(ctx context.Context, in *Input, lim Limits) ([]byte, error) {
	if in == nil {
		in = &Input{}
	}
	if lim.MaxOutput <= 0 {
		lim.MaxOutput = DefaultMaxOutput
	}
	if lim.MaxDuration <= 0 {
		lim.MaxDuration = DefaultMaxDuration
	}
	rs := renderPool.Get().(*renderState)
	defer rs.release()
	rs.input = inputVar{in: in}
	rs.context = contextVar{c: in.Context}
	vars := rs.vars
	vars["input"] = &rs.input
	vars["util"] = utilVar{}
	vars["context"] = &rs.context
	vars["stageVariables"] = stageVars(in.StageVariables)
	if in.KVM != nil {
		vars["kvm"] = kvmVar(in.KVM)
	}
	rs.out.Grow(t.sizeHint)
	err := t.t.Execute(&rs.out, vars, vtl.Limits{
		MaxOutput:  lim.MaxOutput,
		Deadline:   time.Now().Add(lim.MaxDuration),
		MaxForeach: MaxForeach,
		// API Gateway, like Velocity's directive.foreach.maxloops, ends
		// the loop after its 1000th iteration rather than failing.
		ForeachError: false,
		Context:      ctx,
	})
	if err != nil {
		return nil, wrapErr(t.name, err)
	}
	if rs.context.m != nil {
		applyOverrides(in.Context, rs.context.reqOver, rs.context.respOver)
	}
	return bytes.Clone(rs.out.Bytes()), nil
}

// renderState is what one Render needs besides its output; pooling it
// keeps a render of a small template to a handful of allocations.
type renderState struct {
	vars    map[string]any
	input   inputVar
	context contextVar
	out     bytes.Buffer
}

var renderPool = sync.Pool{New: func() any { return &renderState{vars: make(map[string]any, 8)} }}

func (rs *renderState) release() {
	clear(rs.vars)
	rs.input = inputVar{}
	rs.context = contextVar{}
	if rs.out.Cap() > 64<<10 {
		rs.out = bytes.Buffer{} // do not keep one huge render's buffer forever
	}
	rs.out.Reset()
	renderPool.Put(rs)
}

// stageVars is $stageVariables, converted only when a template reads it.
type stageVars map[string]string

func (s stageVars) Value() any { return stringMap(s) }

// contextVar is $context, built on first use: most templates never read it.
type contextVar struct {
	c                    *reqctx.Context
	m, reqOver, respOver *vtl.Map
}

func (v *contextVar) Value() any {
	v.m, v.reqOver, v.respOver = contextMap(v.c)
	return v.m
}

// kvmVar is $kvm: read-only access to plain (not encrypted) map entries.
type kvmVar func(mapName, key string) (string, bool)

func (k kvmVar) Property(string) (any, bool) { return nil, false }

func (k kvmVar) Call(name string, args []any) (any, bool, error) {
	if name != "get" || len(args) != 2 {
		return nil, false, nil
	}
	m, ok1 := args[0].(string)
	key, ok2 := args[1].(string)
	if !ok1 || !ok2 {
		return nil, true, errors.New("$kvm.get takes a map name and a key, both strings")
	}
	v, ok := k(m, key)
	if !ok {
		return nil, true, nil
	}
	return v, true, nil
}

func sortStrings(s []string) { sort.Strings(s) }
