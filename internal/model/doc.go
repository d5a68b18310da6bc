// Package model holds ferry's control-plane types: REST APIs, resources, methods,
// integrations, deployments, stages, API keys and usage plans.
//
// Field names and JSON shapes follow Amazon API Gateway's REST API model
// (the JSON that `aws apigateway get-*` prints), so a user who knows API
// Gateway reads ferry's admin API without a dictionary. Where ferry adds a
// field API Gateway lacks, its JSON name starts with "ferry" or the field is
// documented as a ferry extension.
//
// This package owns data only: no I/O, no HTTP, no storage. Validation that
// needs nothing but the data itself lives here; validation that needs
// compilation (templates, regexes) lives with the code that compiles it.
package model
