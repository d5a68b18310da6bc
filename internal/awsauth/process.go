package awsauth

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// processCredentials is the credential_process output format, the JSON a
// kvm:MAP/ENTRY credentials entry holds.
type processCredentials struct {
	Version         int     `json:"Version"`
	AccessKeyID     string  `json:"AccessKeyId"`
	SecretAccessKey string  `json:"SecretAccessKey"`
	SessionToken    string  `json:"SessionToken,omitempty"`
	Expiration      *string `json:"Expiration,omitempty"`
}

// parseProcessCredentials decodes an entry. Errors say which field is wrong
// and never quote the input: it is a secret.
func parseProcessCredentials(raw []byte, source string) (aws.Credentials, error) {
	var p processCredentials
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return aws.Credentials{}, fmt.Errorf("awsauth: %s: not credential_process JSON: %s", source, describeJSONError(err))
	}
	if dec.More() {
		return aws.Credentials{}, fmt.Errorf("awsauth: %s: not credential_process JSON: data after the object", source)
	}
	switch {
	case p.Version != 1:
		return aws.Credentials{}, fmt.Errorf("awsauth: %s: Version is %d, want 1", source, p.Version)
	case p.AccessKeyID == "":
		return aws.Credentials{}, fmt.Errorf("awsauth: %s: AccessKeyId is missing or empty", source)
	case p.SecretAccessKey == "":
		return aws.Credentials{}, fmt.Errorf("awsauth: %s: SecretAccessKey is missing or empty", source)
	}
	c := aws.Credentials{
		AccessKeyID:     p.AccessKeyID,
		SecretAccessKey: p.SecretAccessKey,
		SessionToken:    p.SessionToken,
		Source:          source,
	}
	if p.Expiration != nil {
		t, err := time.Parse(time.RFC3339, *p.Expiration)
		if err != nil {
			return aws.Credentials{}, fmt.Errorf("awsauth: %s: Expiration is not an RFC 3339 time", source)
		}
		c.CanExpire, c.Expires = true, t
	}
	return c, nil
}

// describeJSONError keeps the position and the kind of a JSON error but not
// the offending text, which may be part of a secret.
func describeJSONError(err error) string {
	switch e := err.(type) {
	case *json.SyntaxError:
		return fmt.Sprintf("syntax error at byte %d", e.Offset)
	case *json.UnmarshalTypeError:
		return fmt.Sprintf("field %s has the wrong type (want %s)", e.Field, e.Type)
	}
	if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return "unknown field " + field
	}
	return "malformed JSON"
}
