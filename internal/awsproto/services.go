package awsproto

// Protocol is a service's wire protocol.
type Protocol int

const (
	// Unknown services are reachable through the path/ form only: ferry
	// sends the mapped request as is.
	Unknown Protocol = iota
	// Query services take Action, Version and parameters as a form body.
	Query
	// JSON services take a JSON body and name the operation in X-Amz-Target.
	JSON
	// RESTJSON services route by method and path, with JSON bodies.
	RESTJSON
	// RESTXML services route by method and path, with XML bodies (S3).
	RESTXML
)

func (p Protocol) String() string {
	switch p {
	case Query:
		return "query"
	case JSON:
		return "json"
	case RESTJSON:
		return "rest-json"
	case RESTXML:
		return "rest-xml"
	}
	return "unknown"
}

// Service is what ferry knows about one AWS service, keyed by the name
// integration URIs use (the endpoint prefix).
type Service struct {
	// Name is the endpoint prefix, as in arn:aws:apigateway:REGION:NAME:...
	Name string
	// Protocol is the protocol action/ URIs are sent with.
	Protocol Protocol
	// Version is the query protocol's Version parameter.
	Version string
	// TargetPrefix and JSONVersion describe the JSON protocol: X-Amz-Target
	// is TargetPrefix.Action and Content-Type application/x-amz-json-JSONVersion.
	// A query service with a TargetPrefix (SQS) also speaks JSON, chosen when
	// the integration sets that Content-Type.
	TargetPrefix, JSONVersion string
	// SigningName is the service in the SigV4 credential scope.
	SigningName string
}

// The versions and JSON targets below are the ones the AWS SDK for Go v2
// service packages send (ServiceAPIVersion, awsjson.New10/New11 schemas);
// services whose package is not in the module cache were checked against
// the same constants in other SDKs.
var services = map[string]Service{
	// Query protocol.
	"sns":                  {Protocol: Query, Version: "2010-03-31"},
	"sqs":                  {Protocol: Query, Version: "2012-11-05", TargetPrefix: "AmazonSQS", JSONVersion: "1.0"},
	"sts":                  {Protocol: Query, Version: "2011-06-15"},
	"iam":                  {Protocol: Query, Version: "2010-05-08"},
	"ec2":                  {Protocol: Query, Version: "2016-11-15"},
	"monitoring":           {Protocol: Query, Version: "2010-08-01"},
	"email":                {Protocol: Query, Version: "2010-12-01", SigningName: "ses"},
	"cloudformation":       {Protocol: Query, Version: "2010-05-15"},
	"elasticloadbalancing": {Protocol: Query, Version: "2015-12-01"},
	"autoscaling":          {Protocol: Query, Version: "2011-01-01"},
	"rds":                  {Protocol: Query, Version: "2014-10-31"},
	// JSON protocol.
	"dynamodb":         {Protocol: JSON, TargetPrefix: "DynamoDB_20120810", JSONVersion: "1.0"},
	"streams.dynamodb": {Protocol: JSON, TargetPrefix: "DynamoDBStreams_20120810", JSONVersion: "1.0", SigningName: "dynamodb"},
	"kinesis":          {Protocol: JSON, TargetPrefix: "Kinesis_20131202", JSONVersion: "1.1"},
	"states":           {Protocol: JSON, TargetPrefix: "AWSStepFunctions", JSONVersion: "1.0"},
	"firehose":         {Protocol: JSON, TargetPrefix: "Firehose_20150804", JSONVersion: "1.1"},
	"logs":             {Protocol: JSON, TargetPrefix: "Logs_20140328", JSONVersion: "1.1"},
	"events":           {Protocol: JSON, TargetPrefix: "AWSEvents", JSONVersion: "1.1"},
	"ssm":              {Protocol: JSON, TargetPrefix: "AmazonSSM", JSONVersion: "1.1"},
	"secretsmanager":   {Protocol: JSON, TargetPrefix: "secretsmanager", JSONVersion: "1.1"},
	"kms":              {Protocol: JSON, TargetPrefix: "TrentService", JSONVersion: "1.1"},
	// REST protocols: reached through path/ URIs.
	"s3":         {Protocol: RESTXML},
	"lambda":     {Protocol: RESTJSON},
	"apigateway": {Protocol: RESTJSON},
	"sagemaker":  {Protocol: RESTJSON},
}

// Lookup returns what ferry knows of a service. Unknown services come back
// with Protocol Unknown and the name as signing name.
func Lookup(name string) (Service, bool) {
	s, ok := services[name]
	s.Name = name
	if s.SigningName == "" {
		s.SigningName = name
	}
	return s, ok
}
