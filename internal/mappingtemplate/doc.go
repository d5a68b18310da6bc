// Package mappingtemplate renders API Gateway mapping templates: the VTL
// language of package vtl with API Gateway's variables bound — $input,
// $util, $context, $stageVariables (and ferry's $kvm).
//
// A template is parsed once per deployment and rendered per request; a
// Template is safe for concurrent Render calls. Each Render builds its own
// variables, decodes the body at most once (lazily, on the first
// $input.json or $input.path), and builds $context only when the template
// reads it.
//
// Where API Gateway's documentation is silent, behaviour follows Velocity
// 1.7 and Jayway JSONPath as API Gateway runs them: a JSON object from
// $input.path prints Java-style ({a=1}), a JSON array prints as JSON, a
// path that matches nothing gives an empty string, an empty body reads as
// {}. The package owns rendering only: it does not choose templates by
// content type, apply overrides to requests, or log.
package mappingtemplate
