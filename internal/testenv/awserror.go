package testenv

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strings"
)

// awsError is a refusal in the words AWS uses; the front writes it in the
// protocol of the service it guards so SDK clients parse the code.
type awsError struct {
	Status int
	// Code is the query-protocol code (SignatureDoesNotMatch, InvalidClientTokenId,
	// IncompleteSignature, MissingAuthenticationToken, AccessDenied, ...).
	Code    string
	Message string
}

// protocol is how a service frames its errors.
type protocol int

const (
	protoQuery    protocol = iota // SNS, STS, SQS's older form: XML ErrorResponse
	protoJSON                     // Kinesis, DynamoDB: {"__type": ...}
	protoRESTJSON                 // Lambda: X-Amzn-ErrorType and {"message": ...}
	protoS3                       // S3: XML Error
	protoSQSJSON                  // SQS's JSON form: JSON, plus the query code in x-amzn-query-error
)

// protocolOf picks the error framing for a request to a service. SQS speaks
// both forms, told apart by the request's Content-Type.
func protocolOf(service string, r *http.Request) protocol {
	switch service {
	case "s3":
		return protoS3
	case "lambda":
		return protoRESTJSON
	case "kinesis", "dynamodb":
		return protoJSON
	case "sns", "sts":
		return protoQuery
	}
	if strings.Contains(r.Header.Get("Content-Type"), "json") {
		if service == "sqs" {
			return protoSQSJSON
		}
		return protoJSON
	}
	return protoQuery
}

// codeFor renames the query-protocol codes the way JSON services and S3 say them.
func codeFor(p protocol, code string) string {
	switch p {
	case protoJSON, protoRESTJSON, protoSQSJSON:
		switch code {
		case "SignatureDoesNotMatch":
			return "InvalidSignatureException"
		case "InvalidClientTokenId":
			return "UnrecognizedClientException"
		case "MissingAuthenticationToken":
			return "MissingAuthenticationTokenException"
		case "AccessDenied":
			return "AccessDeniedException"
		}
	case protoS3:
		switch code {
		case "InvalidClientTokenId":
			return "InvalidAccessKeyId"
		case "MissingAuthenticationToken":
			return "AccessDenied"
		case "IncompleteSignature":
			return "AuthorizationHeaderMalformed"
		}
	}
	return code
}

// statusFor is the HTTP status of e in protocol p: Kinesis and DynamoDB answer
// every client error, signature ones included, with 400.
func (e *awsError) statusFor(p protocol) int {
	if p == protoJSON {
		return http.StatusBadRequest
	}
	return e.Status
}

// write sends e framed for protocol p.
func (e *awsError) write(w http.ResponseWriter, p protocol, requestID string) {
	code := codeFor(p, e.Code)
	w.Header().Set("X-Amzn-RequestId", requestID)
	switch p {
	case protoJSON, protoRESTJSON, protoSQSJSON:
		status := e.statusFor(p)
		if p == protoSQSJSON {
			// SQS keeps its query-protocol codes for SDKs that read this header.
			w.Header().Set("X-Amzn-Query-Error", e.Code+";Sender")
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-ErrorType", code)
		w.WriteHeader(status)
		body := map[string]string{"__type": code, "message": e.Message}
		if p == protoRESTJSON {
			body = map[string]string{"Type": "User", "message": e.Message}
		}
		_ = json.NewEncoder(w).Encode(body)
	case protoS3:
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(e.statusFor(p))
		_ = xml.NewEncoder(w).Encode(s3Error{Code: code, Message: e.Message, RequestID: requestID})
	default:
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(e.Status)
		_ = xml.NewEncoder(w).Encode(queryError{
			Error:     queryErrorDetail{Type: "Sender", Code: code, Message: e.Message},
			RequestID: requestID,
		})
	}
}

type s3Error struct {
	XMLName   xml.Name `xml:"Error"`
	Code      string   `xml:"Code"`
	Message   string   `xml:"Message"`
	RequestID string   `xml:"RequestId"`
}

type queryError struct {
	XMLName   xml.Name         `xml:"ErrorResponse"`
	Error     queryErrorDetail `xml:"Error"`
	RequestID string           `xml:"RequestId"`
}

type queryErrorDetail struct {
	Type    string `xml:"Type"`
	Code    string `xml:"Code"`
	Message string `xml:"Message"`
}
