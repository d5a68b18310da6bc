// Package backendtls gives HTTP and HTTP_PROXY integrations the TLS a
// private backend asks for: a CA bundle of its own to verify the backend's
// certificate with, and a client certificate to present to it (two-way TLS).
//
// Both come from an encrypted key-value map named ferry-backend-tls, so the
// private key is sealed at rest like every other secret and never appears
// in an API definition, a stage, a log or an answer. The map is looked for
// in the stage's scope, then the API's, then the global one; the first map
// found is the one used. Its entries, the most specific first:
//
//	HOST:PORT/ca, HOST/ca, ca              PEM CA certificates trusted for the backend
//	HOST:PORT/client, HOST/client, client  PEM certificate chain followed by its private key
//
// HOST:PORT is the integration URI's host as written; a URI whose host is a
// stage variable can only use the plain ca and client entries. With a ca
// entry, only its CAs are trusted for that backend (system roots are not):
// a private backend is pinned to its own PKI. Without any entry the
// integration keeps the shared transport and the system roots, and
// integration.tlsConfig.insecureSkipVerification still applies only when set.
//
// The package wraps integration factories; it does not send requests itself.
package backendtls
