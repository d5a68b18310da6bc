package lambda

import (
	"errors"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/ferrygw/ferry/internal/binarymedia"
	"github.com/ferrygw/ferry/internal/gatewayresponse"
)

func TestParseProxyResponse(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		status  int
		header  http.Header
		body    string
		base64  bool
		wantErr string // substring of the error; empty for success
	}{
		{name: "numeric status", in: `{"statusCode":201,"body":"hi"}`, status: 201, body: "hi"},
		{name: "string status", in: `{"statusCode":"404","body":""}`, status: 404},
		{name: "null body and headers", in: `{"statusCode":204,"body":null,"headers":null,"multiValueHeaders":null,"isBase64Encoded":null}`, status: 204},
		{name: "scalar header values", in: `{"statusCode":200,"headers":{"X-N":3,"X-B":true}}`, status: 200,
			header: http.Header{"X-N": {"3"}, "X-B": {"true"}}},
		{name: "merge: multi values first, single added when new", in: `{"statusCode":200,"headers":{"X-A":"1","X-B":"b","X-D":"d"},"multiValueHeaders":{"X-A":["1","2"],"X-C":["c1","c2"],"X-D":["e"]}}`,
			status: 200, header: http.Header{"X-A": {"1", "2"}, "X-B": {"b"}, "X-C": {"c1", "c2"}, "X-D": {"e", "d"}}},
		{name: "base64 flag", in: `{"statusCode":200,"isBase64Encoded":true,"body":"aGk="}`, status: 200, body: "aGk=", base64: true},
		{name: "not an object", in: `[1]`, wantErr: "not one JSON object"},
		{name: "null", in: `null`, wantErr: "not one JSON object"},
		{name: "empty", in: ``, wantErr: "not one JSON object"},
		{name: "a string", in: `"ok"`, wantErr: "not one JSON object"},
		{name: "trailing data", in: `{"statusCode":200} {}`, wantErr: "not one JSON object"},
		{name: "extra key", in: `{"statusCode":200,"body":"","extra":1}`, wantErr: `unexpected key "extra"`},
		{name: "no status", in: `{"body":"x"}`, wantErr: "no statusCode"},
		{name: "word status", in: `{"statusCode":"abc"}`, wantErr: "not an HTTP status"},
		{name: "status too big", in: `{"statusCode":1000}`, wantErr: "not an HTTP status"},
		{name: "status too small", in: `{"statusCode":99}`, wantErr: "not an HTTP status"},
		{name: "fractional status", in: `{"statusCode":200.5}`, wantErr: "not an HTTP status"},
		{name: "object body", in: `{"statusCode":200,"body":{"a":1}}`, wantErr: "body is not a string"},
		{name: "object header", in: `{"statusCode":200,"headers":{"X":{}}}`, wantErr: `headers["X"]`},
		{name: "headers a list", in: `{"statusCode":200,"headers":["X"]}`, wantErr: "headers is not an object"},
		{name: "multi value not a list", in: `{"statusCode":200,"multiValueHeaders":{"X":"a"}}`, wantErr: "multiValueHeaders is not an object of arrays"},
		{name: "null in multi values", in: `{"statusCode":200,"multiValueHeaders":{"X":[null]}}`, wantErr: `multiValueHeaders["X"]`},
		{name: "base64 flag a string", in: `{"statusCode":200,"isBase64Encoded":"true"}`, wantErr: "isBase64Encoded is not a boolean"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseProxyResponse([]byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want ErrMalformed mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.header == nil {
				tt.header = http.Header{}
			}
			if got.Status != tt.status || string(got.Body) != tt.body || got.Base64 != tt.base64 || !reflect.DeepEqual(got.Header, tt.header) {
				t.Errorf("got %d %v %q base64=%v, want %d %v %q base64=%v", got.Status, got.Header, got.Body, got.Base64, tt.status, tt.header, tt.body, tt.base64)
			}
		})
	}
}

func TestAnswer(t *testing.T) {
	png := mustTypes("image/png")
	tests := []struct {
		name, payload string
		invoke        http.Header
		binary        binarymedia.Types
		accept        string
		status        int
		body          string
		contentType   string
	}{
		{name: "default content type", payload: `{"statusCode":200,"body":"{}"}`, status: 200, body: "{}", contentType: "application/json"},
		{name: "binary by response type", payload: `{"statusCode":200,"isBase64Encoded":true,"headers":{"Content-Type":"image/png"},"body":"AAH/"}`,
			binary: png, status: 200, body: "\x00\x01\xff", contentType: "image/png"},
		{name: "binary by Accept", payload: `{"statusCode":200,"isBase64Encoded":true,"headers":{"Content-Type":"application/octet-stream"},"body":"aGk="}`,
			binary: mustTypes("image/*"), accept: "image/webp, text/html", status: 200, body: "hi", contentType: "application/octet-stream"},
		{name: "only the first Accept type counts", payload: `{"statusCode":200,"isBase64Encoded":true,"headers":{"Content-Type":"text/plain"},"body":"aGk="}`,
			binary: mustTypes("image/*"), accept: "text/html, image/webp", status: 200, body: "aGk=", contentType: "text/plain"},
		{name: "base64 kept as text when nothing is binary", payload: `{"statusCode":200,"isBase64Encoded":true,"body":"aGk="}`,
			binary: png, accept: "*/*", status: 200, body: "aGk=", contentType: "application/json"},
		{name: "bad base64", payload: `{"statusCode":200,"isBase64Encoded":true,"headers":{"Content-Type":"image/png"},"body":"%%%"}`,
			binary: png, status: 502},
		{name: "function error", payload: `{"statusCode":200,"body":"fine"}`, invoke: http.Header{"X-Amz-Function-Error": {"Unhandled"}}, status: 502},
		{name: "malformed", payload: `{"statusCode":200,"body":1}`, status: 502},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.invoke == nil {
				tt.invoke = http.Header{}
			}
			resp, err := Answer(tt.invoke, []byte(tt.payload), tt.binary, tt.accept)
			if tt.status == 502 {
				ge := gatewayresponse.From(err)
				if err == nil || ge.StatusCode() != 502 || ge.Message != "Internal server error" || ge.Cause == nil {
					t.Fatalf("err = %v, want a 502 Internal server error with its cause", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if resp.Status != tt.status || string(resp.Body) != tt.body || resp.Header.Get("Content-Type") != tt.contentType {
				t.Errorf("got %d %q %q", resp.Status, resp.Body, resp.Header.Get("Content-Type"))
			}
			if resp.Header.Get("Content-Length") != strconv.Itoa(len(tt.body)) {
				t.Errorf("Content-Length %q for a %d-byte body", resp.Header.Get("Content-Length"), len(tt.body))
			}
		})
	}
}
