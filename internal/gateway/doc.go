// Package gateway is ferry's data-plane front door: it owns the listener,
// finds which API stage a request is for (the execute-api host, the
// /restapis/{id}/{stage}/_user_request_ path, or a custom domain's base-path
// mapping), hands the request to that stage's compiled pipeline, and writes
// one log line per request.
//
// It keeps every served stage compiled in an immutable table swapped
// atomically when the store changes, so a redeploy never fails a request in
// flight: a request keeps the pipeline it started with. It does not know how
// a request is mapped or integrated; that is package pipeline's job.
package gateway
