// Package policy is the first method-request step: who may call a stage at
// all, decided from the caller's source address before anything else runs.
//
// It owns two things, both compiled once per stage and method:
//
//   - the API's resource policy (x-amazon-apigateway-policy, RestAPI.Policy),
//     in AWS's JSON policy language restricted to what an anonymous caller
//     can be judged by: Allow/Deny statements on execute-api:Invoke over
//     execute-api:/STAGE/METHOD/PATH resources (or their full ARNs), with
//     IpAddress / NotIpAddress conditions on aws:SourceIp. Evaluation is
//     AWS's: an explicit Deny wins, and with a policy present nothing is
//     allowed unless a statement allows it.
//   - ferry's own allow-list and deny-list (the x-ferry-ip-filter extension
//     at the top of the OpenAPI document), for the API as a whole and per
//     stage, for operators who want a plain list instead of a policy.
//
// A refusal is the ACCESS_DENIED gateway response with API Gateway's
// message. Anything the package cannot evaluate faithfully — another
// condition operator or key, an IAM principal, NotAction — fails the
// deployment with a message naming the statement, never a silent allow.
//
// It must not read the request body or touch anything after the guard seam:
// authorizers, API keys and throttling are other steps.
package policy
