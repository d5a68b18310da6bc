// Package sqlite is ferry's default store.Backend: one SQLite file in the
// data directory, opened with the pure-Go modernc.org/sqlite driver so the
// binary needs no C toolchain.
//
// It owns the file's schema (the kv table, the revision counter and the
// numbered migrations that create them) and nothing above it: what the keys
// mean is package store's business. Values are opaque blobs; sealed secrets
// pass through untouched.
package sqlite
