package awsauth

import (
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
)

// Endpoint is where to send a call to one service and how to sign it.
type Endpoint struct {
	// URL is the base URL, scheme and host (and a path when overridden).
	URL string
	// SigningRegion is the region in the credential scope: the call's region,
	// or us-east-1 (the partition's home) for global services.
	SigningRegion string
	// Overridden is true when URL came from an override, not from the
	// region: callers then use path-style S3 addressing.
	Overridden bool
}

// partition is an AWS partition's region pattern and DNS suffix, as the
// SDK's partitions table lists them.
type partition struct {
	id, dnsSuffix, home string
	regions             *regexp.Regexp
}

var partitions = []partition{
	{"aws-cn", "amazonaws.com.cn", "cn-northwest-1", regexp.MustCompile(`^cn-\w+-\d+$`)},
	{"aws-us-gov", "amazonaws.com", "us-gov-west-1", regexp.MustCompile(`^us-gov-\w+-\d+$`)},
	{"aws-iso", "c2s.ic.gov", "us-iso-east-1", regexp.MustCompile(`^us-iso-\w+-\d+$`)},
	{"aws-iso-b", "sc2s.sgov.gov", "us-isob-east-1", regexp.MustCompile(`^us-isob-\w+-\d+$`)},
	{"aws-iso-e", "cloud.adc-e.uk", "eu-isoe-west-1", regexp.MustCompile(`^eu-isoe-\w+-\d+$`)},
	{"aws-iso-f", "csp.hci.ic.gov", "us-isof-south-1", regexp.MustCompile(`^us-isof-\w+-\d+$`)},
	{"aws-eusc", "amazonaws.eu", "eusc-de-east-1", regexp.MustCompile(`^eusc-de-\w+-\d+$`)},
	{"aws", "amazonaws.com", "us-east-1", regexp.MustCompile(`^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$`)},
}

func partitionOf(region string) (partition, error) {
	for _, p := range partitions {
		if p.regions.MatchString(region) {
			return p, nil
		}
	}
	return partition{}, fmt.Errorf("region %q is not in any AWS partition", region)
}

// globalHosts are the services with one endpoint per partition rather than
// per region, signed for the partition's home region.
var globalHosts = map[string]map[string]string{
	"iam": {
		"aws":        "iam.amazonaws.com",
		"aws-cn":     "iam.cn-north-1.amazonaws.com.cn",
		"aws-us-gov": "iam.us-gov.amazonaws.com",
	},
	"cloudfront":        {"aws": "cloudfront.amazonaws.com", "aws-cn": "cloudfront.cn-northwest-1.amazonaws.com.cn"},
	"route53":           {"aws": "route53.amazonaws.com", "aws-cn": "route53.amazonaws.com.cn", "aws-us-gov": "route53.us-gov.amazonaws.com"},
	"organizations":     {"aws": "organizations.us-east-1.amazonaws.com", "aws-cn": "organizations.cn-northwest-1.amazonaws.com.cn", "aws-us-gov": "organizations.us-gov-west-1.amazonaws.com"},
	"waf":               {"aws": "waf.amazonaws.com"},
	"shield":            {"aws": "shield.us-east-1.amazonaws.com"},
	"globalaccelerator": {"aws": "globalaccelerator.us-west-2.amazonaws.com"},
}

// globalSigningRegion is where a global service's calls are scoped when it
// is not the partition's home.
var globalSigningRegion = map[string]string{
	"globalaccelerator": "us-west-2",
	"cloudfront/aws-cn": "cn-northwest-1",
	"iam/aws-cn":        "cn-north-1",
}

// serviceIDs maps the service as integration URIs name it (the endpoint
// prefix) to its SDK service id, whose upper-cased, underscored form names
// the AWS_ENDPOINT_URL_<SERVICE_ID> variable. Prefixes whose id is the same
// word need no entry.
var serviceIDs = map[string]string{
	"states":               "SFN",
	"logs":                 "CloudWatch Logs",
	"monitoring":           "CloudWatch",
	"events":               "EventBridge",
	"secretsmanager":       "Secrets Manager",
	"execute-api":          "API Gateway",
	"apigateway":           "API Gateway",
	"email":                "SES",
	"elasticloadbalancing": "Elastic Load Balancing v2",
	"cognito-idp":          "Cognito Identity Provider",
	"cognito-identity":     "Cognito Identity",
	"streams.dynamodb":     "DynamoDB Streams",
	"runtime.sagemaker":    "SageMaker Runtime",
	"appsync":              "AppSync",
	"firehose":             "Firehose",
}

// EnvName is the suffix of a service's AWS_ENDPOINT_URL_<SERVICE_ID>
// variable: the SDK service id upper-cased with spaces as underscores.
func EnvName(service string) string {
	id, ok := serviceIDs[service]
	if !ok {
		id = service
	}
	return strings.ToUpper(strings.NewReplacer(" ", "_", "-", "_", ".", "_").Replace(id))
}

// Endpoints resolves service endpoints with the SDKs' precedence:
// AWS_ENDPOINT_URL_<SERVICE_ID>, the config's endpoints entry,
// AWS_ENDPOINT_URL, the config's endpointURL, then the regional default.
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true turns every override off.
type Endpoints struct {
	cfg    Config
	getenv func(string) string
}

// NewEndpoints returns a resolver; getenv nil means os.Getenv.
func NewEndpoints(cfg Config, getenv func(string) string) *Endpoints {
	if getenv == nil {
		getenv = os.Getenv
	}
	return &Endpoints{cfg: cfg, getenv: getenv}
}

// Resolve returns the endpoint of service in region.
func (e *Endpoints) Resolve(service, region string) (Endpoint, error) {
	if service == "" {
		return Endpoint{}, fmt.Errorf("awsauth: endpoint: service is empty")
	}
	if region == "" {
		region = e.cfg.Region
	}
	if region == "" {
		return Endpoint{}, fmt.Errorf("awsauth: endpoint for %s: no region (set region in ferry's config or AWS_REGION)", service)
	}
	if u, src := e.override(service); u != "" {
		if err := checkEndpointURL(u); err != nil {
			return Endpoint{}, fmt.Errorf("awsauth: endpoint for %s from %s: %w", service, src, err)
		}
		return Endpoint{URL: strings.TrimRight(u, "/"), SigningRegion: region, Overridden: true}, nil
	}
	p, err := partitionOf(region)
	if err != nil {
		return Endpoint{}, fmt.Errorf("awsauth: endpoint for %s: %w", service, err)
	}
	if hosts, ok := globalHosts[service]; ok {
		host, ok := hosts[p.id]
		if !ok {
			return Endpoint{}, fmt.Errorf("awsauth: %s has no endpoint in partition %s", service, p.id)
		}
		sr := p.home
		if r, ok := globalSigningRegion[service+"/"+p.id]; ok {
			sr = r
		} else if r, ok := globalSigningRegion[service]; ok && p.id == "aws" {
			sr = r
		}
		return Endpoint{URL: "https://" + host, SigningRegion: sr}, nil
	}
	return Endpoint{URL: "https://" + service + "." + region + "." + p.dnsSuffix, SigningRegion: region}, nil
}

// override returns the configured URL for service and where it came from.
func (e *Endpoints) override(service string) (string, string) {
	if strings.EqualFold(e.getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true") {
		return "", ""
	}
	env := "AWS_ENDPOINT_URL_" + EnvName(service)
	if u := e.getenv(env); u != "" {
		return u, env
	}
	for k, u := range e.cfg.Endpoints {
		if strings.EqualFold(k, service) || EnvName(k) == EnvName(service) || strings.EqualFold(k, serviceIDs[service]) {
			return u, "endpoints." + k
		}
	}
	if u := e.getenv("AWS_ENDPOINT_URL"); u != "" {
		return u, "AWS_ENDPOINT_URL"
	}
	if e.cfg.EndpointURL != "" {
		return e.cfg.EndpointURL, "endpointURL"
	}
	return "", ""
}

func checkEndpointURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%q is not a URL: %w", s, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%q: scheme must be http or https", s)
	}
	if u.Host == "" {
		return fmt.Errorf("%q has no host", s)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%q: an endpoint takes no query or fragment", s)
	}
	return nil
}
