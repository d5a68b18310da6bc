// Package kvm owns ferry's key-value maps and the encryption barrier that
// keeps their secrets sealed.
//
// A map lives in a scope ("global", "api:{id}" or "stage:{id}/{name}") and is
// either plain or encrypted. Values of encrypted maps are sealed with
// AES-256-GCM before they reach the store: each sealed value names the master
// key that sealed it, so keys can rotate, and its additional authenticated
// data binds it to scope, map and entry, so a value copied to another entry
// no longer opens. The store below is untrusted: it sees ciphertext only.
//
// Master keys come from master.keys in the data directory (created on first
// start), from FERRY_MASTER_KEY, or from an AWS KMS envelope; a key that does
// not match the one that sealed the store refuses to start.
//
// This package must not log, print or return plaintext in errors; types that
// carry a secret redact themselves when formatted.
package kvm
