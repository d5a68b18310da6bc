// Package e2e runs the real ferry binary: `ferry serve` on free loopback
// ports, driven only through the CLI, the admin API and plain HTTP, as a
// user would drive it.
package e2e
