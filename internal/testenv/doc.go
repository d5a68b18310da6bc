// Package testenv starts the real AWS-compatible servers that ferry's
// integration tests talk to, and the SigV4-verifying front that sits before them.
//
// Each starter finds its server under the tools directory that
// scripts/install-deps.sh fills ($FERRY_TOOLS_DIR, else <repo>/.tools, else PATH),
// binds it to a free 127.0.0.1 port, waits until it answers and stops the whole
// process group when the test ends, printing the server's output if the test
// failed. A missing server skips the test with a hint to run `make deps`, except
// under CI=true, where a missing server is a failure: a green CI must mean the
// servers really ran.
//
//	MinIO(t)            S3 and STS; the only one that verifies SigV4 itself
//	Goaws(t, cfg)       SNS and SQS, with the topics, queues and subscriptions of cfg
//	Kinesalite(t)       Kinesis
//	Dynalite(t)         DynamoDB
//	Lambda(t, handlers) the Lambda Invoke API (serverless-offline) running Node.js handlers
//
// Only MinIO checks signatures, and it ignores ExternalId, so a signing bug in
// ferry would pass against the others. AWSFront closes that hole: a reverse proxy
// that re-signs a copy of every request with the AWS SDK for Go v2's own signer
// and refuses, in the guarded service's own error shape, a wrong signing name,
// region, key, secret, session token, body or date. An STS front also checks
// AssumeRole's RoleArn and ExternalId and trusts the temporary credentials MinIO
// hands out, in a registry shared with the other fronts:
//
//	m := testenv.MinIO(t)
//	g := testenv.Goaws(t, testenv.GoawsConfig{Topics: []testenv.GoawsTopic{{Name: "orders"}}})
//	reg := testenv.NewCredentials(map[string]testenv.Cred{m.AccessKey: {SecretKey: m.SecretKey}})
//	stsFront := testenv.NewAWSFront(t, testenv.FrontConfig{Upstream: m.Endpoint, Service: "sts",
//		Registry: reg, Roles: map[string]string{roleARN: "external-id"}})
//	snsFront := testenv.NewAWSFront(t, testenv.FrontConfig{Upstream: g.Endpoint, Service: "sns", Registry: reg})
//	// run ferry with AWS_ENDPOINT_URL_STS=stsFront.URL, AWS_ENDPOINT_URL_SNS=snsFront.URL,
//	// then assert on snsFront.Requests().
//
// This package is for tests only. It must not be imported by ferry's binary, and
// it never sends traffic anywhere but 127.0.0.1 (goaws itself binds 0.0.0.0: its
// configuration has no listen address).
package testenv
