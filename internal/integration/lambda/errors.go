package lambda

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/ferrygw/ferry/internal/gatewayresponse"
)

// FunctionErrorHeader is how the Invoke API marks an answer as a function
// error: "Handled" (the function reported it) or "Unhandled" (it threw,
// crashed or timed out).
const FunctionErrorHeader = "X-Amz-Function-Error"

// errorKeys are the only keys of an error payload. A function that returns
// such an object, instead of failing, is still reporting an error: the
// Invoke API leaves FunctionErrorHeader out when a runtime serializes an
// error as an ordinary result.
var errorKeys = map[string]bool{
	"errorMessage": true, "errorType": true, "stackTrace": true, "trace": true, "cause": true, "requestId": true,
}

// FunctionError reports whether an Invoke answer is a function error, and
// its errorMessage: the string API Gateway matches selection patterns
// against. A marked error without a JSON errorMessage gives its whole body.
func FunctionError(header http.Header, body []byte) (string, bool) {
	marked := header.Get(FunctionErrorHeader) != ""
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		if marked {
			return string(body), true
		}
		return "", false
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &obj); err != nil {
		if marked {
			return string(body), true
		}
		return "", false
	}
	var msg string
	raw, has := obj["errorMessage"]
	if has {
		if err := json.Unmarshal(raw, &msg); err != nil {
			has = false
		}
	}
	if marked {
		if !has {
			return string(body), true
		}
		return msg, true
	}
	if !has {
		return "", false
	}
	for k := range obj {
		if !errorKeys[k] {
			return "", false
		}
	}
	return msg, true
}

// apiError is a failure of the Invoke API itself (not of the function): a
// non-2xx status. It returns nil for a successful call.
//
// API Gateway only says that such failures are not integration responses;
// ferry answers what a client can act on: 429 when Lambda throttles (retry
// later), 413 when the payload is too large, a 502 when Lambda or what it
// depends on (KMS, ENIs in a VPC) fails, and API Gateway's generic 500 for
// everything that is the API's own misconfiguration (a missing function, a
// role that may not invoke it, an event Lambda refuses).
func apiError(status int, header http.Header, body []byte) error {
	if status >= 200 && status < 300 {
		return nil
	}
	typ := header.Get("X-Amzn-Errortype")
	var detail struct {
		Message  string `json:"message"`
		Message2 string `json:"Message"`
		Type     string `json:"Type"`
	}
	_ = json.Unmarshal(body, &detail)
	msg := detail.Message
	if msg == "" {
		msg = detail.Message2
	}
	cause := fmt.Errorf("lambda invoke: %d %s: %s", status, typ, msg)
	switch {
	case status == http.StatusTooManyRequests:
		return gatewayresponse.New(gatewayresponse.Throttled, cause)
	case status == http.StatusRequestEntityTooLarge:
		return gatewayresponse.New(gatewayresponse.RequestTooLarge, cause)
	case status >= 500:
		return &gatewayresponse.Error{Type: gatewayresponse.IntegrationFailure, Status: http.StatusBadGateway,
			Message: "Internal server error", Cause: cause}
	}
	return gatewayresponse.Internal(cause)
}
