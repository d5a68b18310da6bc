// Package router matches a request path to a resource of an API the way API
// Gateway REST APIs do: a literal segment beats {param}, which beats a
// greedy {proxy+}; {proxy+} takes one or more segments; a trailing slash is
// ignored; path parameters are percent-decoded.
//
// A Router is built once per deployment and is read-only afterwards. It
// knows paths only; choosing the method (or ANY) belongs to the caller.
package router
