// Package config is ferry's static configuration: what `ferry serve` needs
// before it can open the store, and what is not per-API (listeners, data
// directory, admin tokens, logging, AWS endpoints and roles, TLS, trusted
// proxies, limits).
//
// A Config is built in layers, each overriding the last: Default, then the
// YAML file (Load), then FERRY_* environment variables (ApplyEnv), then the
// command-line flags the user set explicitly (applied by the serve command
// to the plain fields). Validate runs last and names every problem by its
// field path.
//
// Everything per-API (resources, stages, keys, maps) lives in package store
// and is changed through the admin API, never here.
package config
