// Package integration owns the backends a method calls: each is a Backend,
// a function built once per deployment by the Factory registered for its
// integration type (MOCK, HTTP, HTTP_PROXY here; AWS, AWS_PROXY and others
// register the same way).
//
// A backend sees a request already transformed by the integration request
// step and returns the raw answer; it does not select integration responses
// or write to the client. Timeouts, hop-by-hop headers and cancellation
// when the client goes away are handled here so every HTTP-speaking backend
// shares them.
package integration
