package gatewayresponse

import (
	"errors"
	"fmt"
)

// Error is the data plane's error: what went wrong, as API Gateway would name
// it, and what the client may be told.
type Error struct {
	// Type is the gateway response type that renders the error.
	Type Type
	// Status overrides the type's default status when non-zero; customizations
	// of the API still win over it.
	Status int
	// Message is the client-safe text, $context.error.message.
	Message string
	// ValidationErrorString is $context.error.validationErrorString for BAD_REQUEST_BODY.
	ValidationErrorString string
	// Cause is the internal reason (a broken template, a refused connection).
	// It is for logs and test-invoke only.
	Cause error
}

// New returns an error of type t with the type's default message.
func New(t Type, cause error) *Error {
	return &Error{Type: t, Message: t.DefaultMessage(), Cause: cause}
}

// Newf returns an error of type t with a client-safe message.
func Newf(t Type, format string, args ...any) *Error {
	return &Error{Type: t, Message: fmt.Sprintf(format, args...)}
}

// Internal reports a broken mapping or configuration found while serving:
// the client sees API Gateway's generic 500, the cause goes to the log.
func Internal(cause error) *Error {
	return &Error{Type: APIConfigurationError, Message: "Internal server error", Cause: cause}
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("%s: %s: %v", e.Type, e.Message, e.Cause)
	}
	return fmt.Sprintf("%s: %s", e.Type, e.Message)
}

func (e *Error) Unwrap() error { return e.Cause }

// StatusCode is the status the error answers with before API customizations.
func (e *Error) StatusCode() int {
	if e.Status != 0 {
		return e.Status
	}
	return e.Type.DefaultStatus()
}

// From returns err as an *Error; any other error becomes an internal one so
// that nothing unexpected leaks to a client.
func From(err error) *Error {
	var ge *Error
	if errors.As(err, &ge) {
		return ge
	}
	return Internal(err)
}
