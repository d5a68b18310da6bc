// Package listener owns the gateway's edge: the TLS and mutual-TLS listener
// with certificates reloaded from files, the caller's source address
// (believing X-Forwarded-For or Forwarded only from trusted proxies), the
// client certificate as $context.identity.clientCert, and the limits that
// keep one client from holding the server (head size, URL length, timeouts,
// a request rate per connection).
//
// It knows nothing of APIs, stages or methods: what a caller may do once its
// request is read belongs to the method-request steps.
package listener
