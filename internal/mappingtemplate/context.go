package mappingtemplate

import (
	"strconv"

	"github.com/ferrygw/ferry/internal/reqctx"
	"github.com/ferrygw/ferry/internal/vtl"
)

// contextMap builds $context from c. The two override maps are returned so
// Render can copy what the template wrote back into c.
func contextMap(c *reqctx.Context) (m, reqOver, respOver *vtl.Map) {
	if c == nil {
		c = &reqctx.Context{}
	}
	m = vtl.NewMap(24)
	put := func(k, v string) { m.Put(k, v) }
	put("requestId", c.RequestID)
	put("extendedRequestId", c.ExtendedRequestID)
	put("apiId", c.APIID)
	put("stage", c.Stage)
	put("resourcePath", c.ResourcePath)
	put("resourceId", c.ResourceID)
	put("httpMethod", c.HTTPMethod)
	put("path", c.Path)
	put("protocol", c.Protocol)
	put("requestTime", c.RequestTime)
	m.Put("requestTimeEpoch", c.RequestTimeEpoch)
	put("domainName", c.DomainName)
	put("domainPrefix", c.DomainPrefix)
	put("accountId", c.AccountID)

	id := vtl.NewMap(12)
	for _, kv := range [][2]string{
		{"sourceIp", c.Identity.SourceIP}, {"userAgent", c.Identity.UserAgent},
		{"apiKey", c.Identity.APIKey}, {"apiKeyId", c.Identity.APIKeyID},
		{"caller", c.Identity.Caller}, {"user", c.Identity.User},
		{"userArn", c.Identity.UserArn}, {"accountId", c.Identity.AccountID},
		{"accessKey", c.Identity.AccessKey},
	} {
		id.Put(kv[0], kv[1])
	}
	if cc := c.Identity.ClientCert; cc != nil {
		cert := vtl.NewMap(5)
		cert.Put("clientCertPem", cc.ClientCertPem)
		cert.Put("subjectDN", cc.SubjectDN)
		cert.Put("issuerDN", cc.IssuerDN)
		cert.Put("serialNumber", cc.SerialNumber)
		val := vtl.NewMap(2)
		val.Put("notBefore", cc.Validity.NotBefore)
		val.Put("notAfter", cc.Validity.NotAfter)
		cert.Put("validity", val)
		id.Put("clientCert", cert)
	}
	m.Put("identity", id)

	m.Put("authorizer", authorizerMap(c.Authorizer))

	e := vtl.NewMap(4)
	e.Put("message", c.Error.Message)
	e.Put("messageString", c.Error.MessageString)
	e.Put("responseType", c.Error.ResponseType)
	e.Put("validationErrorString", c.Error.ValidationErrorString)
	m.Put("error", e)

	reqOver = vtl.NewMap(3)
	reqOver.Put("header", stringMap(c.RequestOverride.Header))
	reqOver.Put("path", stringMap(c.RequestOverride.Path))
	reqOver.Put("querystring", stringMap(c.RequestOverride.QueryString))
	m.Put("requestOverride", reqOver)
	respOver = vtl.NewMap(2)
	respOver.Put("header", stringMap(c.ResponseOverride.Header))
	if c.ResponseOverride.Status != 0 {
		respOver.Put("status", int64(c.ResponseOverride.Status))
	}
	m.Put("responseOverride", respOver)
	return m, reqOver, respOver
}

func stringMap(src map[string]string) *vtl.Map {
	m := vtl.NewMap(len(src))
	for _, k := range sortedKeys(src) {
		m.Put(k, src[k])
	}
	return m
}

// fromGo converts decoded-JSON-shaped Go values (authorizer context) to
// template values.
func fromGo(v any) any {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sortStrings(keys)
		m := vtl.NewMap(len(v))
		for _, k := range keys {
			m.Put(k, fromGo(v[k]))
		}
		return m
	case map[string]string:
		return stringMap(v)
	case []any:
		l := &vtl.List{Items: make([]any, len(v)), JSON: true}
		for i, x := range v {
			l.Items[i] = fromGo(x)
		}
		return l
	case []string:
		l := &vtl.List{Items: make([]any, len(v)), JSON: true}
		for i, x := range v {
			l.Items[i] = x
		}
		return l
	case int:
		return int64(v)
	case int32:
		return int64(v)
	case float32:
		return float64(v)
	}
	return v
}

// applyOverrides copies what the template set under
// $context.requestOverride and $context.responseOverride into c.
func applyOverrides(c *reqctx.Context, reqOver, respOver *vtl.Map) {
	if c == nil {
		return
	}
	c.RequestOverride.Header = overrideMap(reqOver, "header", c.RequestOverride.Header)
	c.RequestOverride.Path = overrideMap(reqOver, "path", c.RequestOverride.Path)
	c.RequestOverride.QueryString = overrideMap(reqOver, "querystring", c.RequestOverride.QueryString)
	c.ResponseOverride.Header = overrideMap(respOver, "header", c.ResponseOverride.Header)
	if st, ok := respOver.Get("status"); ok {
		switch st := st.(type) {
		case int64:
			c.ResponseOverride.Status = int(st)
		case float64:
			c.ResponseOverride.Status = int(st)
		case string:
			if n, err := strconv.Atoi(st); err == nil {
				c.ResponseOverride.Status = n
			}
		}
	}
}

func overrideMap(parent *vtl.Map, key string, dst map[string]string) map[string]string {
	v, _ := parent.Get(key)
	m, ok := v.(*vtl.Map)
	if !ok || m.Len() == 0 {
		return dst
	}
	if dst == nil {
		dst = make(map[string]string, m.Len())
	}
	for _, k := range m.Keys() {
		x, _ := m.Get(k)
		dst[k] = vtl.ToString(x)
	}
	return dst
}

// authorizerMap is $context.authorizer. API Gateway hands templates the
// authorizer's context values as strings ("1", "true"); claims stay a map
// of strings.
func authorizerMap(a map[string]any) *vtl.Map {
	keys := make([]string, 0, len(a))
	for k := range a {
		keys = append(keys, k)
	}
	sortStrings(keys)
	m := vtl.NewMap(len(keys))
	for _, k := range keys {
		switch v := a[k].(type) {
		case map[string]any:
			m.Put(k, authorizerMap(v))
		case map[string]string:
			m.Put(k, stringMap(v))
		case nil:
		case string:
			m.Put(k, v)
		case float64:
			// JSON numbers arrive as float64; print integers without ".0".
			if v == float64(int64(v)) {
				m.Put(k, vtl.ToString(int64(v)))
			} else {
				m.Put(k, vtl.ToString(v))
			}
		default:
			m.Put(k, vtl.ToString(fromGo(v)))
		}
	}
	return m
}
