// Package listener owns the gateway's edge: the TLS and mutual-TLS listener
// with certificates reloaded from files, the caller's source address
// (believing X-Forwarded-For or Forwarded only from trusted proxies), the
// client certificate as $context.identity.clientCert, and the limits that
// keep one client from holding the server (head size, URL length, a request
// rate per connection, and deadlines that bound each wait on a slow client
// rather than whole transfers, so large uploads and downloads pass while
// stalled or trickling clients are cut off).
//
// It knows nothing of APIs, stages or methods: what a caller may do once its
// request is read belongs to the method-request steps.
package listener
