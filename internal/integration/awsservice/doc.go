// Package awsservice is the AWS integration type: a method calls one action
// of an AWS service (arn:aws:apigateway:REGION:SERVICE:action/ACTION) or one
// path of its REST API (...:SERVICE:path/PATH), signed with SigV4.
//
// It joins three packages and owns none of their knowledge: awsproto builds
// the request the service's protocol wants from the mapping result, awsauth
// resolves the credentials the integration names and signs with the AWS
// SDK's signer, and package integration's HTTP backend sends the request with
// the integration's timeout. A query-protocol service that answers XML has
// its answer converted to the JSON AWS sends to Accept: application/json.
package awsservice
