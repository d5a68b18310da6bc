// Package binarymedia owns API Gateway's content type conversions: which
// payloads count as binary (the API's binaryMediaTypes against a request's
// Content-Type or first Accept), and what contentHandling
// (CONVERT_TO_BINARY, CONVERT_TO_TEXT or unset) does to a payload on the
// way to the integration and on the way back to the client.
//
// It holds only pure functions over bytes and header values; the pipeline
// decides when to call them. It must not read requests or know about
// integrations.
package binarymedia
