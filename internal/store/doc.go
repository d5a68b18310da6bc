// Package store keeps ferry's control-plane state: APIs, deployments,
// stages, domain names, API keys, usage plans and key-value map entries.
//
// Two layers, as in Vault: a Backend is an untrusted ordered key-value store
// with transactions (SQLite by default, PostgreSQL for several nodes), and
// Store is the typed layer above it, written once for every backend. Store
// never sees a plaintext secret: key-value map values arrive sealed.
package store
