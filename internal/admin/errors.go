package admin

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/ferrygw/ferry/internal/store"
)

// Error types, as API Gateway names them in the x-amzn-ErrorType header.
const (
	ErrBadRequest   = "BadRequestException"
	ErrNotFound     = "NotFoundException"
	ErrConflict     = "ConflictException"
	ErrUnauthorized = "UnauthorizedException"
	ErrAccessDenied = "AccessDeniedException"
	ErrTooLarge     = "LimitExceededException"
	ErrInternal     = "InternalFailure"
)

// APIError is an error answer of the admin API: API Gateway's shape, a status,
// the x-amzn-ErrorType header and a {"message": ...} body. The handler sends
// it and the Client returns it, so both sides agree on one type.
type APIError struct {
	// Status is the HTTP status code.
	Status int
	// Type is the x-amzn-ErrorType value, e.g. NotFoundException.
	Type string
	// Message says what is wrong and where; it may span several lines.
	Message string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("%s (%d): %s", e.Type, e.Status, e.Message)
}

func badRequest(format string, args ...any) *APIError {
	return &APIError{Status: http.StatusBadRequest, Type: ErrBadRequest, Message: fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) *APIError {
	return &APIError{Status: http.StatusNotFound, Type: ErrNotFound, Message: fmt.Sprintf(format, args...)}
}

func conflict(format string, args ...any) *APIError {
	return &APIError{Status: http.StatusConflict, Type: ErrConflict, Message: fmt.Sprintf(format, args...)}
}

// toAPIError classifies any error a handler returns. Store errors keep their
// message (it names the missing or clashing record); anything unexpected
// becomes a 500 whose detail goes to the log only, because it may come from
// deep inside a backend.
func toAPIError(err error) (ae *APIError, internal bool) {
	if errors.As(err, &ae) {
		return ae, false
	}
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return &APIError{Status: http.StatusRequestEntityTooLarge, Type: ErrTooLarge,
			Message: fmt.Sprintf("request body is larger than %d bytes", mbe.Limit)}, false
	case errors.Is(err, store.ErrNotFound):
		return &APIError{Status: http.StatusNotFound, Type: ErrNotFound, Message: err.Error()}, false
	case errors.Is(err, store.ErrConflict):
		return &APIError{Status: http.StatusConflict, Type: ErrConflict, Message: err.Error()}, false
	}
	return &APIError{Status: http.StatusInternalServerError, Type: ErrInternal,
		Message: "internal error; the server log has the details"}, true
}

func writeError(w http.ResponseWriter, ae *APIError) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("x-amzn-ErrorType", ae.Type)
	if ae.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="ferry-admin"`)
	}
	w.WriteHeader(ae.Status)
	_ = json.NewEncoder(w).Encode(struct {
		Message string `json:"message"`
	}{ae.Message})
}
