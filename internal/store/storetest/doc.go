// Package storetest holds what every store.Backend must satisfy: Run, the
// one suite each backend's tests call, and Memory, a small in-process
// backend for other packages' unit tests.
//
// The suite speaks only the store.Backend interface, so a new backend
// (PostgreSQL) needs nothing but a func that opens a fresh, empty instance.
package storetest
