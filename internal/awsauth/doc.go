// Package awsauth gives AWS integrations what they need to call AWS:
// credentials per integration, the endpoint of each service, and SigV4
// signatures.
//
// Credentials come from an integration's "credentials" string: an IAM role
// ARN assumed through STS (cached, refreshed before expiry), a
// "kvm:MAP/ENTRY" reference to an encrypted key-value map entry holding
// credential_process JSON, or, when empty, the SDK's default chain.
// Endpoints follow the SDKs' own override conventions (AWS_ENDPOINT_URL and
// AWS_ENDPOINT_URL_<SERVICE_ID>), which is also how tests reach local
// servers. Signing is the AWS SDK for Go v2's v4 signer, never a copy.
//
// This package does not know service protocols (package awsproto does) and
// never logs or returns a secret in an error.
package awsauth
