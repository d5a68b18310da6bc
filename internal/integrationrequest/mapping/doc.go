// Package mapping parses and evaluates API Gateway parameter-mapping
// expressions: the sources ("method.request.header.Accept",
// "method.request.body.$.a", "context.requestId", "stageVariables.host",
// "'literal'", "integration.response.header.X") and targets
// ("integration.request.querystring.q", "method.response.header.X",
// "gatewayresponse.header.X") found in requestParameters and
// responseParameters maps.
//
// Expressions are parsed once per deployment into Source and Target values;
// evaluation reads a Values view of one request and never allocates for a
// source that is absent. It is shared by the integration request, the
// integration response and the gateway responses, so it knows nothing about
// any of them.
package mapping
