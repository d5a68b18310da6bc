package testenv

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// checkAssumeRole enforces what MinIO's STS ignores: AssumeRole must name a
// configured role and carry exactly that role's ExternalId. Other STS actions
// pass through to the upstream.
func (f *AWSFront) checkAssumeRole(r *http.Request, body []byte) *awsError {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		form = url.Values{}
	}
	for k, v := range r.URL.Query() {
		if _, ok := form[k]; !ok {
			form[k] = v
		}
	}
	if form.Get("Action") != "AssumeRole" {
		return nil
	}
	role := form.Get("RoleArn")
	if role == "" {
		return &awsError{Status: http.StatusBadRequest, Code: "ValidationError",
			Message: "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null"}
	}
	denied := &awsError{Status: http.StatusForbidden, Code: "AccessDenied",
		Message: fmt.Sprintf("User is not authorized to perform: sts:AssumeRole on resource: %s", role)}
	want, ok := f.cfg.Roles[role]
	if !ok {
		return denied
	}
	got, sent := form["ExternalId"]
	if want == "" && !sent {
		return nil
	}
	if !sent || len(got) != 1 || got[0] != want {
		return denied
	}
	return nil
}

// assumeRoleResponse is the part of STS's AssumeRole answer the front needs.
type assumeRoleResponse struct {
	XMLName     xml.Name `xml:"AssumeRoleResponse"`
	Credentials struct {
		AccessKeyID     string `xml:"AccessKeyId"`
		SecretAccessKey string `xml:"SecretAccessKey"`
		SessionToken    string `xml:"SessionToken"`
		Expiration      string `xml:"Expiration"`
	} `xml:"AssumeRoleResult>Credentials"`
}

// registerAssumedRole trusts the temporary credentials in a successful
// AssumeRole answer, in the registry every front sharing it consults.
func (f *AWSFront) registerAssumedRole(resp *http.Response) error {
	if resp.StatusCode != http.StatusOK {
		return nil
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	resp.Body.Close()
	if err != nil {
		return fmt.Errorf("read sts answer: %w", err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if !bytes.Contains(body, []byte("<AssumeRoleResponse")) {
		return nil
	}
	var ar assumeRoleResponse
	if err := xml.Unmarshal(body, &ar); err != nil {
		return fmt.Errorf("parse AssumeRole answer: %w", err)
	}
	c := ar.Credentials
	if c.AccessKeyID == "" || c.SecretAccessKey == "" || c.SessionToken == "" {
		return fmt.Errorf("AssumeRole answer lacks AccessKeyId, SecretAccessKey or SessionToken")
	}
	cred := Cred{SecretKey: c.SecretAccessKey, SessionToken: c.SessionToken}
	if c.Expiration != "" {
		exp, err := time.Parse(time.RFC3339, c.Expiration)
		if err != nil {
			return fmt.Errorf("AssumeRole Expiration %q: %w", c.Expiration, err)
		}
		cred.Expires = exp
	}
	f.registry.Add(c.AccessKeyID, cred)
	return nil
}
