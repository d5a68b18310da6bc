package oas

import (
	"regexp"
	"sort"
	"strings"

	"github.com/ferrygw/ferry/internal/model"
)

const (
	authorizerExt = "x-amazon-apigateway-authorizer"
	authTypeExt   = "x-amazon-apigateway-authtype"
)

var authorizerTypes = map[string]string{
	"token":              "TOKEN",
	"request":            "REQUEST",
	"cognito_user_pools": "COGNITO_USER_POOLS",
	"jwt":                "JWT",
}

// buildAuthorizers makes an authorizer of every security scheme that
// carries x-amazon-apigateway-authorizer; the scheme's name is its name.
func (im *importer) buildAuthorizers() {
	names := make([]string, 0, len(im.doc.schemes))
	for n := range im.doc.schemes {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		s := im.doc.schemes[name]
		so, _ := im.object(s.loc)
		if !so.has(authorizerExt) {
			continue
		}
		o, ok := im.object(so.at(authorizerExt))
		if !ok {
			continue
		}
		o.warnUnknown("type", "authorizerUri", "authorizerCredentials", "identitySource",
			"identityValidationExpression", "authorizerResultTtlInSeconds", "providerARNs", "jwtConfiguration")
		raw := o.str("type")
		typ, known := authorizerTypes[strings.ToLower(raw)]
		if !known {
			im.errorf(o.at("type"), "authorizer type %q is not one of token, request, cognito_user_pools, jwt", raw)
		}
		a := &model.Authorizer{
			ID:                           model.NewID(6),
			Name:                         name,
			Type:                         typ,
			AuthType:                     so.str(authTypeExt),
			AuthorizerURI:                o.str("authorizerUri"),
			AuthorizerCredentials:        o.str("authorizerCredentials"),
			IdentitySource:               o.str("identitySource"),
			IdentityValidationExpression: o.str("identityValidationExpression"),
			ProviderARNs:                 o.strList("providerARNs"),
		}
		if ttl, set := o.integer("authorizerResultTtlInSeconds"); set {
			if ttl < 0 || ttl > 3600 {
				im.errorf(o.at("authorizerResultTtlInSeconds"), "%d is outside 0..3600 seconds", ttl)
			}
			a.AuthorizerResultTTLInSeconds = &ttl
		}
		if a.IdentitySource == "" && (typ == "TOKEN" || typ == "COGNITO_USER_POOLS") && s.in == "header" && s.header != "" {
			// API Gateway takes the token header of TOKEN and Cognito authorizers from the scheme.
			a.IdentitySource = "method.request.header." + s.header
		}
		if a.AuthorizerURI != "" {
			a.AuthorizerURI = im.fillARN(o.at("authorizerUri"), a.AuthorizerURI)
		}
		if a.AuthorizerCredentials != "" {
			a.AuthorizerCredentials = im.fillARN(o.at("authorizerCredentials"), a.AuthorizerCredentials)
		}
		for i, arn := range a.ProviderARNs {
			a.ProviderARNs[i] = im.fillARN(append(o.at("providerARNs"), itoa(i)), arn)
		}
		switch typ {
		case "TOKEN", "REQUEST":
			if a.AuthorizerURI == "" {
				im.errorf(o.at("authorizerUri"), "missing; a %s authorizer needs the Lambda function's invocation URI", typ)
			}
		case "COGNITO_USER_POOLS":
			if len(a.ProviderARNs) == 0 {
				im.errorf(o.at("providerARNs"), "missing; a cognito_user_pools authorizer needs the user pool ARNs")
			}
		case "JWT":
			a.JWT = im.jwtConfig(o)
		}
		if a.IdentityValidationExpression != "" {
			if _, err := regexp.Compile(a.IdentityValidationExpression); err != nil {
				im.errorf(o.at("identityValidationExpression"), "%q does not compile: %v", a.IdentityValidationExpression, err)
			}
		}
		im.authorizers[name] = a
		im.api.Authorizers = append(im.api.Authorizers, a)
	}
}

func (im *importer) jwtConfig(o obj) *model.JWTConfig {
	c, ok := im.object(o.at("jwtConfiguration"))
	if !ok {
		im.errorf(o.at("jwtConfiguration"), "missing; a jwt authorizer needs issuer, audience and jwksUri")
		return nil
	}
	c.warnUnknown("issuer", "audience", "jwksUri")
	j := &model.JWTConfig{Issuer: c.str("issuer"), Audiences: c.strList("audience"), JWKSURI: c.str("jwksUri")}
	if j.Issuer == "" {
		im.errorf(c.at("issuer"), "missing; the iss claim tokens must carry")
	}
	if !strings.HasPrefix(j.JWKSURI, "https://") && !strings.HasPrefix(j.JWKSURI, "http://") {
		im.errorf(c.at("jwksUri"), "must be the URL of the issuer's signing keys")
	}
	return j
}

// security applies the operation's security requirements (or the
// document's) to the method: an apiKey scheme named x-api-key demands an
// API key, an authorizer scheme selects the authorizer and its scopes, and a
// scheme of auth type awsSigv4 selects AWS_IAM.
func (im *importer) security(op *operation, m *model.Method) {
	reqs, loc := im.doc.security, []string{"security"}
	if op.securitySet {
		reqs, loc = op.security, append(clip(op.loc), "security")
	}
	for _, req := range reqs {
		names := make([]string, 0, len(req))
		for n := range req {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			s, ok := im.doc.schemes[n]
			if !ok {
				im.errorf(loc, "security scheme %q is not defined in %s", n, dotted(im.doc.securityLoc))
				continue
			}
			so, _ := im.object(s.loc)
			switch {
			case so.has(authorizerExt):
				a := im.authorizers[n]
				if a == nil {
					continue
				}
				if m.AuthorizerID != "" && m.AuthorizerID != a.ID {
					im.errorf(loc, "a method can use one authorizer, and %q is the second", n)
					continue
				}
				m.AuthorizerID = a.ID
				m.AuthorizationType = "CUSTOM"
				if a.Type == "COGNITO_USER_POOLS" {
					m.AuthorizationType = "COGNITO_USER_POOLS"
				}
				if len(req[n]) > 0 {
					m.AuthorizationScopes = append([]string(nil), req[n]...)
				}
			case strings.EqualFold(so.str(authTypeExt), "awsSigv4"):
				m.AuthorizationType = "AWS_IAM"
			case s.typ == "apiKey" && strings.EqualFold(s.header, "x-api-key"):
				m.APIKeyRequired = true
			default:
				im.warnf(s.loc, "security scheme %q ignored; ferry enforces x-api-key keys, authorizers and awsSigv4", n)
			}
		}
	}
}
