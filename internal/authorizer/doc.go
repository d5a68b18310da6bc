// Package authorizer owns the authorizer step of the method request: Lambda
// TOKEN and REQUEST authorizers, Cognito user pool authorizers and ferry's
// JWT authorizer, compiled per method into a pipeline.Guard.
//
// A Lambda authorizer is invoked through Lambda's Invoke API with the same
// signed AWS backend as an AWS integration (the caller supplies that
// factory), and its answer — principalId, an IAM policy document, context
// values and a usageIdentifierKey — is parsed once and cached per identity
// for authorizerResultTtlInSeconds. The cached policy is evaluated against
// each call's method ARN, as API Gateway does, so one cached answer can
// allow one method and refuse another.
//
// JWT and Cognito authorizers verify tokens locally against the issuer's
// JWKS, fetched over HTTPS and cached; an unknown key id triggers a refetch
// at most once per RefetchInterval. ferry serve trusts the system's CAs plus
// the PEM bundle named by FERRY_JWKS_CA_FILE for those fetches, which is how
// a private issuer (or a test's) is trusted without touching the system
// store.
//
// Refusals are API Gateway's: a missing or malformed identity, a function
// that fails with "Unauthorized", or a token that does not verify is 401
// UNAUTHORIZED (an expired token says "The incoming token has expired"); a
// policy that denies the method ARN, explicitly or by allowing only other
// ARNs, is 403 ACCESS_DENIED; a function that fails otherwise or answers
// something that is not an authorizer output is 500
// AUTHORIZER_CONFIGURATION_ERROR; keys that cannot be fetched are 500
// AUTHORIZER_FAILURE. A token without any of a method's scopes is 401 with
// a Cognito authorizer (which also takes ID tokens only where no scopes are
// set, access tokens only where they are) and 403 with a JWT authorizer.
//
// What the step writes for later steps: $context.authorizer.* (principalId
// and context values, or claims.* for tokens) and, for a Lambda authorizer
// that returns usageIdentifierKey on an API whose apiKeySource is
// AUTHORIZER, $context.identity.apiKey for the API key step.
//
// Authorizers.TestInvoke is API Gateway's TestInvokeAuthorizer: it builds
// one authorizer from an API's current definition and evaluates it for a
// simulated call, bypassing the result cache, and answers the status a
// client would get with an execution log in which identities are masked.
//
// This package refuses calls with *gatewayresponse.Error values only; it
// never logs a token, a key or a claim.
package authorizer
