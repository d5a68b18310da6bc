// Package pipeline compiles one stage of one deployment into the request
// pipeline that serves it, and runs requests through it: router → method
// request → integration request → integration → integration response →
// method response, with every failure answered by the API's gateway
// responses.
//
// Everything that can be checked or compiled (routes, regexes, templates,
// mapping expressions, schemas, backends) is done by Compile, once per
// deployment; Serve only executes. A step an operation does not configure is
// absent from its compiled form. TestInvoke runs one method outside any
// stage and records an execution log in API Gateway's style.
//
// The package does not listen, resolve stages from hosts or paths, or
// authenticate callers: the gateway's serve loop does that and hands an
// Entry to Serve.
package pipeline
