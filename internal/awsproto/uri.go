package awsproto

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// URIKind tells the two forms of an AWS integration URI apart.
type URIKind int

const (
	// ActionURI is ...:{service}:action/{Action}[&name=value...].
	ActionURI URIKind = iota + 1
	// PathURI is ...:[{subdomain}.]{service}:path/{path}.
	PathURI
)

// Param is one name=value pair of an action URI, kept in order.
type Param struct {
	Name, Value string
}

// ServiceURI is a parsed arn:PARTITION:apigateway:REGION:SERVICE:KIND/...
type ServiceURI struct {
	Partition string
	Region    string
	// Subdomain is the part before the service in "mybucket.s3" (path form).
	Subdomain string
	// Service is the endpoint prefix, as the services table keys it.
	Service string
	Kind    URIKind
	// Action and Params are set for ActionURI.
	Action string
	Params []Param
	// Path is set for PathURI: the part after "path", starting with "/",
	// possibly with {name} placeholders and a ?query.
	Path string
}

var (
	regionRE  = regexp.MustCompile(`^[a-z]{2,5}(-[a-z]+)+-\d{1,2}$`)
	serviceRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*$`)
	actionRE  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*$`)
)

// ParseServiceURI parses an AWS integration URI. Errors quote the URI and
// say which part is wrong.
func ParseServiceURI(s string) (ServiceURI, error) {
	// The path may itself hold ARNs (Lambda's invocations path), so split
	// only the first five colons.
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return ServiceURI{}, fmt.Errorf("awsproto: %q is not arn:aws:apigateway:REGION:SERVICE:action/... or :path/...", s)
	}
	u := ServiceURI{Partition: parts[1], Region: parts[3]}
	switch {
	case !strings.HasPrefix(u.Partition, "aws"):
		return ServiceURI{}, fmt.Errorf("awsproto: %q: partition %q is not an AWS partition", s, u.Partition)
	case parts[2] != "apigateway":
		return ServiceURI{}, fmt.Errorf("awsproto: %q: the ARN's service is %q, want apigateway", s, parts[2])
	case !regionRE.MatchString(u.Region):
		return ServiceURI{}, fmt.Errorf("awsproto: %q: %q is not an AWS region", s, u.Region)
	}
	svc := parts[4]
	if i := strings.LastIndex(svc, "."); i >= 0 && !isKnownDotted(svc) {
		u.Subdomain, svc = svc[:i], svc[i+1:]
		if u.Subdomain == "" {
			return ServiceURI{}, fmt.Errorf("awsproto: %q: empty subdomain before %q", s, svc)
		}
	}
	if !serviceRE.MatchString(svc) {
		return ServiceURI{}, fmt.Errorf("awsproto: %q: service %q is not an endpoint prefix", s, svc)
	}
	u.Service = svc
	kind, rest, ok := strings.Cut(parts[5], "/")
	if !ok {
		return ServiceURI{}, fmt.Errorf("awsproto: %q: %q must start with action/ or path/", s, parts[5])
	}
	switch kind {
	case "action":
		if u.Subdomain != "" {
			return ServiceURI{}, fmt.Errorf("awsproto: %q: a subdomain is only allowed with path/", s)
		}
		return parseAction(s, u, rest)
	case "path":
		u.Kind = PathURI
		u.Path = "/" + rest
		if strings.ContainsAny(rest, " \t\r\n") {
			return ServiceURI{}, fmt.Errorf("awsproto: %q: the path contains white space", s)
		}
		return u, nil
	}
	return ServiceURI{}, fmt.Errorf("awsproto: %q: %q must be action or path", s, kind)
}

// isKnownDotted reports whether a dotted name is itself a service, such as
// streams.dynamodb, rather than subdomain.service.
func isKnownDotted(name string) bool {
	_, ok := services[name]
	return ok
}

func parseAction(s string, u ServiceURI, rest string) (ServiceURI, error) {
	u.Kind = ActionURI
	action, query, _ := strings.Cut(rest, "&")
	if q, _, found := strings.Cut(action, "?"); found {
		return ServiceURI{}, fmt.Errorf("awsproto: %q: parameters follow the action after '&', not '?' (at %q)", s, q)
	}
	if !actionRE.MatchString(action) {
		return ServiceURI{}, fmt.Errorf("awsproto: %q: action %q is not an operation name", s, action)
	}
	u.Action = action
	if query == "" {
		return u, nil
	}
	for i, pair := range strings.Split(query, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		name, err := url.QueryUnescape(k)
		if err != nil || name == "" {
			return ServiceURI{}, fmt.Errorf("awsproto: %q: parameter #%d %q has a bad name", s, i+1, pair)
		}
		value, err := url.QueryUnescape(v)
		if err != nil {
			return ServiceURI{}, fmt.Errorf("awsproto: %q: parameter %s: %v", s, name, err)
		}
		u.Params = append(u.Params, Param{Name: name, Value: value})
	}
	return u, nil
}

// String prints the URI back in its canonical form.
func (u ServiceURI) String() string {
	var b strings.Builder
	b.WriteString("arn:" + u.Partition + ":apigateway:" + u.Region + ":")
	if u.Subdomain != "" {
		b.WriteString(u.Subdomain + ".")
	}
	b.WriteString(u.Service + ":")
	if u.Kind == PathURI {
		b.WriteString("path" + u.Path)
		return b.String()
	}
	b.WriteString("action/" + u.Action)
	for _, p := range u.Params {
		b.WriteString("&" + url.QueryEscape(p.Name) + "=" + url.QueryEscape(p.Value))
	}
	return b.String()
}
