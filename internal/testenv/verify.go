package testenv

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const (
	sigAlgorithm   = "AWS4-HMAC-SHA256"
	amzDateFormat  = "20060102T150405Z"
	unsignedBody   = "UNSIGNED-PAYLOAD"
	maxClockSkew   = 15 * time.Minute
	mismatchReason = "The request signature we calculated does not match the signature you provided. " +
		"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)

// authHeader is a parsed `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`.
type authHeader struct {
	AccessKey, Date, Region, Service string
	SignedHeaders                    string
	Signature                        string
}

// parseAuthorization splits a SigV4 Authorization header; anything else is
// AWS's IncompleteSignature, naming the part that is wrong.
func parseAuthorization(h string) (authHeader, *awsError) {
	var a authHeader
	algo, rest, ok := strings.Cut(h, " ")
	if !ok || algo != sigAlgorithm {
		return a, incomplete("Authorization header must start with " + sigAlgorithm)
	}
	fields := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return a, incomplete(fmt.Sprintf("Authorization header part %q is not key=value", part))
		}
		fields[k] = v
	}
	for _, k := range []string{"Credential", "SignedHeaders", "Signature"} {
		if fields[k] == "" {
			return a, incomplete("Authorization header requires '" + k + "' parameter")
		}
	}
	scope := strings.Split(fields["Credential"], "/")
	if len(scope) != 5 || scope[4] != "aws4_request" {
		return a, incomplete("Credential must have the form ACCESS_KEY/DATE/REGION/SERVICE/aws4_request, got " +
			strings.Join(scope[1:], "/"))
	}
	a = authHeader{
		AccessKey: scope[0], Date: scope[1], Region: scope[2], Service: scope[3],
		SignedHeaders: fields["SignedHeaders"], Signature: fields["Signature"],
	}
	return a, nil
}

func incomplete(msg string) *awsError {
	return &awsError{Status: http.StatusBadRequest, Code: "IncompleteSignature", Message: msg}
}

func mismatch(msg string) *awsError {
	return &awsError{Status: http.StatusForbidden, Code: "SignatureDoesNotMatch", Message: msg}
}

// verifier checks requests against one service name and region.
type verifier struct {
	service, region string
	creds           *Credentials
	now             func() time.Time
	signer          *v4.Signer
}

func newVerifier(service, region string, creds *Credentials, now func() time.Time) *verifier {
	// S3 signs the path as sent; every other service escapes it once more.
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = service == "s3" })
	return &verifier{service: service, region: region, creds: creds, now: now, signer: signer}
}

// verify checks r (whose body was read into body) and returns the access key
// that signed it, or the refusal AWS would give.
func (v *verifier) verify(r *http.Request, body []byte) (string, *awsError) {
	h := r.Header.Get("Authorization")
	if h == "" {
		if r.URL.Query().Get("X-Amz-Signature") != "" {
			return "", incomplete("presigned URLs are not supported by the test front; sign the Authorization header")
		}
		return "", &awsError{Status: http.StatusForbidden, Code: "MissingAuthenticationToken",
			Message: "Request is missing Authentication Token"}
	}
	a, aerr := parseAuthorization(h)
	if aerr != nil {
		return "", aerr
	}
	cred, aerr := v.credential(a.AccessKey, r.Header.Get("X-Amz-Security-Token"))
	if aerr != nil {
		return "", aerr
	}
	if aerr := v.checkScope(a); aerr != nil {
		return "", aerr
	}
	when, aerr := v.checkDate(r, a)
	if aerr != nil {
		return "", aerr
	}
	payloadHash, aerr := v.payloadHash(r, body)
	if aerr != nil {
		return "", aerr
	}
	want, err := v.resign(r, a, cred, payloadHash, when)
	if err != nil {
		return "", incomplete(err.Error())
	}
	if want.SignedHeaders != a.SignedHeaders ||
		!hmac.Equal([]byte(want.Signature), []byte(a.Signature)) {
		return "", mismatch(mismatchReason)
	}
	return a.AccessKey, nil
}

// credential finds the signing key and checks the session token that must,
// or must not, come with it.
func (v *verifier) credential(accessKey, token string) (Cred, *awsError) {
	invalid := &awsError{Status: http.StatusForbidden, Code: "InvalidClientTokenId",
		Message: "The security token included in the request is invalid."}
	if v.service == "s3" {
		invalid.Message = "The AWS Access Key Id you provided does not exist in our records."
	}
	cred, ok := v.creds.Lookup(accessKey)
	if !ok {
		return cred, invalid
	}
	if cred.SessionToken != "" || token != "" {
		if !hmac.Equal([]byte(cred.SessionToken), []byte(token)) {
			if v.service == "s3" {
				return cred, &awsError{Status: http.StatusBadRequest, Code: "InvalidToken",
					Message: "The provided token is malformed or otherwise invalid."}
			}
			invalid.Message = "The security token included in the request is invalid."
			return cred, invalid
		}
	}
	if !cred.Expires.IsZero() && v.now().After(cred.Expires) {
		return cred, &awsError{Status: http.StatusForbidden, Code: "ExpiredToken",
			Message: "The security token included in the request is expired"}
	}
	return cred, nil
}

// checkScope refuses a credential scoped to another service or region: the
// mistakes a gateway makes when it derives the signing name from the wrong place.
func (v *verifier) checkScope(a authHeader) *awsError {
	if a.Service != v.service {
		return mismatch(fmt.Sprintf("Credential should be scoped to correct service: '%s'. ", v.service))
	}
	if a.Region != v.region {
		if v.service == "s3" {
			return &awsError{Status: http.StatusBadRequest, Code: "AuthorizationHeaderMalformed",
				Message: fmt.Sprintf("The authorization header is malformed; the region '%s' is wrong; expecting '%s'", a.Region, v.region)}
		}
		return mismatch(fmt.Sprintf("Credential should be scoped to a valid region, not '%s'. ", a.Region))
	}
	return nil
}

// checkDate reads X-Amz-Date, which must agree with the credential scope and
// lie within 15 minutes of now.
func (v *verifier) checkDate(r *http.Request, a authHeader) (time.Time, *awsError) {
	raw := r.Header.Get("X-Amz-Date")
	if raw == "" {
		return time.Time{}, incomplete("Authorization header requires existence of a 'X-Amz-Date' header")
	}
	when, err := time.Parse(amzDateFormat, raw)
	if err != nil {
		return time.Time{}, incomplete(fmt.Sprintf("X-Amz-Date %q is not in the form %s", raw, amzDateFormat))
	}
	if a.Date != when.Format("20060102") {
		return time.Time{}, mismatch(fmt.Sprintf("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s'",
			a.Date, when.Format("20060102")))
	}
	now := v.now().UTC()
	skew := now.Sub(when)
	if skew <= maxClockSkew && skew >= -maxClockSkew {
		return when, nil
	}
	code := "SignatureDoesNotMatch"
	if v.service == "s3" {
		code = "RequestTimeTooSkewed"
	}
	msg := fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - 15 min.)",
		raw, now.Add(-maxClockSkew).Format(amzDateFormat), now.Format(amzDateFormat))
	if skew < 0 {
		msg = fmt.Sprintf("Signature not yet current: %s is still later than %s (%s + 15 min.)",
			raw, now.Add(maxClockSkew).Format(amzDateFormat), now.Format(amzDateFormat))
	}
	return time.Time{}, &awsError{Status: http.StatusForbidden, Code: code, Message: msg}
}

// payloadHash returns the hash the signature covers: X-Amz-Content-Sha256 when
// sent (after checking it against the body), else the body's own SHA-256, so
// a body changed after signing fails the signature comparison. Streaming
// (aws-chunked) payloads are taken at their seed signature only.
func (v *verifier) payloadHash(r *http.Request, body []byte) (string, *awsError) {
	sum := sha256.Sum256(body)
	actual := hex.EncodeToString(sum[:])
	declared := r.Header.Get("X-Amz-Content-Sha256")
	switch {
	case declared == "":
		return actual, nil
	case declared == unsignedBody || strings.HasPrefix(declared, "STREAMING-"):
		return declared, nil
	case declared != actual:
		e := mismatch("The provided 'x-amz-content-sha256' header does not match what was computed.")
		if v.service == "s3" {
			e.Status, e.Code = http.StatusBadRequest, "XAmzContentSHA256Mismatch"
		}
		return "", e
	}
	return declared, nil
}

// resign signs a copy of r that holds only the headers the client says it
// signed, with the same date and payload hash, using the SDK's own signer, and
// returns the Authorization it produced.
func (v *verifier) resign(r *http.Request, a authHeader, cred Cred, payloadHash string, when time.Time) (authHeader, error) {
	u := &url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery}
	cp := &http.Request{Method: r.Method, URL: u, Host: r.Host, Header: http.Header{}}
	tokenSigned := false
	for _, name := range strings.Split(a.SignedHeaders, ";") {
		switch name {
		case "host":
		case "content-length":
			cp.ContentLength = r.ContentLength
		case "x-amz-security-token":
			tokenSigned = true
			cp.Header[http.CanonicalHeaderKey(name)] = r.Header.Values(name)
		default:
			vals := r.Header.Values(name)
			if len(vals) == 0 {
				return authHeader{}, fmt.Errorf("signed header %q is not in the request", name)
			}
			cp.Header[http.CanonicalHeaderKey(name)] = vals
		}
	}
	creds := aws.Credentials{AccessKeyID: a.AccessKey, SecretAccessKey: cred.SecretKey, SessionToken: cred.SessionToken}
	err := v.signer.SignHTTP(context.Background(), creds, cp, payloadHash, v.service, v.region, when,
		func(o *v4.SignerOptions) { o.DisableSessionToken = !tokenSigned })
	if err != nil {
		return authHeader{}, fmt.Errorf("re-sign: %w", err)
	}
	want, aerr := parseAuthorization(cp.Header.Get("Authorization"))
	if aerr != nil {
		return authHeader{}, fmt.Errorf("re-sign produced %q", aerr.Message)
	}
	return want, nil
}
