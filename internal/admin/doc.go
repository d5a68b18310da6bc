// Package admin is ferry's control plane over HTTP: a handler that speaks
// Amazon API Gateway's own REST API (paths, JSON field names, error shapes),
// and a Client for it that the ferry CLI is built on.
//
// Speaking API Gateway's dialect means the AWS CLI, SDKs and infrastructure
// tools can later drive ferry by pointing their endpoint at it. What API
// Gateway lacks (taking a stage offline, exporting an undeployed API) lives
// under the /ferry/ prefix so it can never collide with a future AWS path.
//
// The package owns routing, authentication with bearer tokens, request
// decoding, and turning errors into API Gateway's error shape. It stores
// nothing itself: every read and write goes through package store, and every
// change to an API is checked by package pipeline before it is stored, so an
// API that the admin API accepted is one the gateway can serve.
//
// Tokens never appear in logs, errors or answers.
package admin
