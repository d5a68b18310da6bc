package integration

import (
	"context"
	"errors"
	"testing"

	"github.com/ferrygw/ferry/internal/gatewayresponse"
	"github.com/ferrygw/ferry/internal/model"
)

func TestMockStatus(t *testing.T) {
	tests := []struct {
		body   string
		status int
		bad    bool
	}{
		{"", 200, false},
		{"  \n", 200, false},
		{`{"statusCode": 404}`, 404, false},
		{`{"statusCode": "201"}`, 201, false},
		{`{"other": 1}`, 200, false},
		{`{"statusCode": 99}`, 0, true},
		{`{"statusCode": 2.5}`, 0, true},
		{`nope`, 0, true},
	}
	for _, tt := range tests {
		got, err := MockStatus([]byte(tt.body))
		if (err != nil) != tt.bad || got != tt.status {
			t.Errorf("MockStatus(%q) = %d, %v", tt.body, got, err)
		}
	}
	b, err := Defaults().Build(Config{Integration: &model.Integration{Type: "MOCK"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = b(context.Background(), &Request{Body: []byte("nope")})
	var ge *gatewayresponse.Error
	if !errors.As(err, &ge) || ge.StatusCode() != 500 {
		t.Fatalf("broken mock body: %v", err)
	}
}

func TestBuildUnknownType(t *testing.T) {
	_, err := Defaults().Build(Config{Integration: &model.Integration{Type: "AWS"}})
	if err == nil || err.Error() != `integration.type "AWS" is not supported (supported: HTTP, HTTP_PROXY, MOCK)` {
		t.Fatalf("err = %v", err)
	}
}
