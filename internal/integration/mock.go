package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/ferrygw/ferry/internal/gatewayresponse"
)

// NewMock builds a MOCK backend: the integration request body (what the
// request template rendered) is {"statusCode": N}, and the answer is an
// empty response with status N that integration responses then shape.
func NewMock(cfg Config) (Backend, error) {
	return mock, nil
}

func mock(_ context.Context, req *Request) (*Response, error) {
	status, err := MockStatus(req.Body)
	if err != nil {
		return nil, gatewayresponse.Internal(err)
	}
	// A mock answers no headers; a nil Header reads as empty.
	return &Response{Status: status}, nil
}

// MockStatus reads the statusCode a MOCK request body asks for. An empty
// body or one without statusCode means 200, as API Gateway answers.
func MockStatus(body []byte) (int, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return http.StatusOK, nil
	}
	var v struct {
		StatusCode json.Number `json:"statusCode"`
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return 0, fmt.Errorf("mock integration: request body is not a JSON object with statusCode: %v", err)
	}
	if v.StatusCode == "" {
		return http.StatusOK, nil
	}
	n, err := v.StatusCode.Int64()
	if err != nil || n < 100 || n > 599 {
		return 0, fmt.Errorf("mock integration: statusCode %s is not an HTTP status", v.StatusCode)
	}
	return int(n), nil
}
