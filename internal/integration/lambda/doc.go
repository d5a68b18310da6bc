// Package lambda owns what is special about calling AWS Lambda from a
// method: the AWS (custom) integration's error handling and selection by
// errorMessage, the AWS_PROXY integration's proxy event (format 1.0) and
// its response format, and the mapping of Lambda API errors (throttling,
// missing functions, KMS and ENI failures) to gateway responses.
//
// It does not sign or send anything itself. Both integration types wrap
// the AWS integration factory (package awsservice), which resolves the
// credentials, signs with SigV4 and applies timeoutInMillis, so a Lambda
// call is an ordinary AWS path/ call to the Invoke API:
//
//	arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/FUNCTION/invocations
//
// FUNCTION is a name, a partial ARN (ACCOUNT:function:NAME) or a full ARN,
// each optionally followed by :QUALIFIER (a version or alias), exactly as
// the Invoke API accepts them; ${stageVariables.NAME} parts are filled once
// per deployment.
//
// Where AWS documents nothing, ferry decides: a proxy answer without
// statusCode is malformed (502); a success of a custom integration takes the
// default response even if a pattern matches every string; Invoke API
// failures map as apiError says.
package lambda
