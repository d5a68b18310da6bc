package oas

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Error is one problem in an imported document. Field is the dotted OpenAPI
// location ("paths./test.post.x-amazon-apigateway-integration.uri"); Path and
// Method name the resource and method when the problem lies inside an
// operation. Line and Col are 1-based and zero when unknown.
type Error struct {
	File   string
	Path   string
	Method string
	Field  string
	Line   int
	Col    int
	Msg    string
}

// Error prints FILE:LINE:COL: METHOD PATH: FIELD: MSG, where FIELD is
// relative to the operation when the problem lies inside one, so the reader
// sees the part of the document an editor would jump to.
func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d:%d", e.Line, e.Col)
		}
		b.WriteString(": ")
	} else if e.Line > 0 {
		fmt.Fprintf(&b, "%d:%d: ", e.Line, e.Col)
	}
	field := e.Field
	if e.Path != "" {
		if e.Method != "" {
			b.WriteString(e.Method + " ")
		}
		b.WriteString(e.Path + ": ")
		field = strings.TrimPrefix(field, "paths."+e.Path)
		if e.Method != "" {
			field = strings.TrimPrefix(field, "."+operationKey(e.Method))
		}
		field = strings.TrimPrefix(field, ".")
	}
	if field != "" {
		b.WriteString(field + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// MultiError holds every problem of one import, in document order.
type MultiError []*Error

// Error prints one problem per line.
func (m MultiError) Error() string {
	lines := make([]string, len(m))
	for i, e := range m {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.As reach each *Error.
func (m MultiError) Unwrap() []error {
	errs := make([]error, len(m))
	for i, e := range m {
		errs[i] = e
	}
	return errs
}

// Errors lists the *Error values inside err, whether err is one *Error or a
// MultiError; nil when err holds none.
func Errors(err error) []*Error {
	var m MultiError
	if errors.As(err, &m) {
		return m
	}
	var e *Error
	if errors.As(err, &e) {
		return []*Error{e}
	}
	return nil
}

// finish orders problems by position so the report reads top to bottom,
// and drops repeats (one string can hold the same placeholder twice);
// problems without a position keep their discovery order after the rest.
func finish(errs []*Error) error {
	errs = ordered(errs)
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return MultiError(errs)
}

func ordered(errs []*Error) []*Error {
	sort.SliceStable(errs, func(i, j int) bool {
		a, b := errs[i], errs[j]
		if (a.Line == 0) != (b.Line == 0) {
			return b.Line == 0
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return a.Field < b.Field
	})
	seen := map[string]bool{}
	uniq := errs[:0]
	for _, e := range errs {
		if s := e.Error(); !seen[s] {
			seen[s] = true
			uniq = append(uniq, e)
		}
	}
	return uniq
}

// operationKey is the path item key an HTTP method is written under.
func operationKey(method string) string {
	if method == "ANY" {
		return anyMethodKey
	}
	return strings.ToLower(method)
}
