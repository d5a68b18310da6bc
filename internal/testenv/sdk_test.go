package testenv_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// sdkConfig is an SDK configuration with static credentials and no retries, so
// a refusal reaches the test as the first answer. It is built by hand rather
// than by config.LoadDefaultConfig, which would read the machine's profile.
func sdkConfig(region, accessKey, secretKey, token string) aws.Config {
	return aws.Config{
		Region:           region,
		Credentials:      credentials.NewStaticCredentialsProvider(accessKey, secretKey, token),
		RetryMaxAttempts: 1,
		HTTPClient:       http.DefaultClient,
	}
}

// wantAPIError fails unless err is an AWS API error with this code and status.
func wantAPIError(t *testing.T, err error, code string, status int) {
	t.Helper()
	if err == nil {
		t.Fatalf("call succeeded; want %s (%d)", code, status)
	}
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error %v is not an API error; want %s", err, code)
	}
	if apiErr.ErrorCode() != code {
		t.Errorf("error code %q (%v); want %q", apiErr.ErrorCode(), err, code)
	}
	var respErr *smithyhttp.ResponseError
	if !errors.As(err, &respErr) {
		t.Fatalf("error %v carries no HTTP response", err)
	}
	if respErr.HTTPStatusCode() != status {
		t.Errorf("status %d; want %d", respErr.HTTPStatusCode(), status)
	}
}

// tamperingClient changes the request body after the SDK signed it, the way a
// buggy gateway would if it mapped the body after signing.
type tamperingClient struct {
	from, to string
}

func (c tamperingClient) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		r.Body.Close()
		changed := strings.Replace(string(body), c.from, c.to, 1)
		if changed == string(body) {
			return nil, errors.New("tamperingClient: " + c.from + " is not in the body")
		}
		r.Body = io.NopCloser(bytes.NewReader([]byte(changed)))
		r.ContentLength = int64(len(changed))
	}
	return http.DefaultClient.Do(r)
}

var fmtSprintf = fmt.Sprintf
