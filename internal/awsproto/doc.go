// Package awsproto knows how each AWS service wants to be called when an
// integration names it with arn:aws:apigateway:{region}:{service}:action/...
// or .../path/...: which wire protocol it speaks (query, JSON, REST), the
// API version or JSON target prefix it needs, and how its answers look.
//
// It turns a parsed service URI and the integration's mapped body, headers
// and parameters into the unsigned *http.Request that AWS expects, and
// converts XML answers of query-protocol servers into the JSON AWS sends
// when asked for application/json.
//
// It does not sign, resolve credentials or pick endpoints (package awsauth
// does), and it does not send anything.
package awsproto
