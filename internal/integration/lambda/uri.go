package lambda

import (
	"fmt"
	"regexp"
	"strings"
)

// Target is the function an integration URI invokes.
type Target struct {
	// Region is the region of the apigateway ARN.
	Region string
	// Function is the function as the URI names it (name, partial or full
	// ARN, with any qualifier); it may hold ${stageVariables.NAME}.
	Function string
}

const (
	uriPrefix = "arn:aws:apigateway:"
	uriMiddle = ":lambda:path/2015-03-31/functions/"
	uriSuffix = "/invocations"
)

// ParseInvokeURI reports whether uri invokes a Lambda function, and if so
// which. ok is false for any other URI; err is set when uri is a Lambda
// invoke URI whose function reference is malformed.
func ParseInvokeURI(uri string) (t Target, ok bool, err error) {
	if !strings.HasPrefix(uri, uriPrefix) {
		return Target{}, false, nil
	}
	rest := uri[len(uriPrefix):]
	i := strings.Index(rest, uriMiddle)
	if i < 0 {
		return Target{}, false, nil
	}
	t.Region, rest = rest[:i], rest[i+len(uriMiddle):]
	if !strings.HasSuffix(rest, uriSuffix) {
		return Target{}, true, fmt.Errorf("%s: a Lambda invoke URI ends in /invocations", uri)
	}
	t.Function = rest[:len(rest)-len(uriSuffix)]
	if err := CheckFunction(t.Function); err != nil {
		return Target{}, true, fmt.Errorf("%s: %w", uri, err)
	}
	return t, true, nil
}

var (
	// functionName is a Lambda function name: letters, digits, - and _.
	functionName = `[A-Za-z0-9_-]{1,140}`
	qualifier    = `(?::(?:\$LATEST|[A-Za-z0-9_-]{1,128}))?`
	functionRef  = regexp.MustCompile(`^(?:` +
		`arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:` + functionName + qualifier +
		`|\d{12}:function:` + functionName + qualifier +
		`|` + functionName + qualifier + `)$`)
)

// CheckFunction checks a function reference as the Invoke API accepts it: a
// name, ACCOUNT:function:NAME or arn:aws:lambda:REGION:ACCOUNT:function:NAME,
// each with an optional :VERSION or :ALIAS. A reference built from stage
// variables is checked when it is served, by Lambda.
func CheckFunction(fn string) error {
	if strings.Contains(fn, "${") || strings.Contains(fn, "{") {
		return nil
	}
	if fn == "" {
		return fmt.Errorf("no function named between functions/ and /invocations")
	}
	if !functionRef.MatchString(fn) {
		return fmt.Errorf("function %q: want NAME, ACCOUNT:function:NAME or arn:aws:lambda:REGION:ACCOUNT:function:NAME, optionally followed by :VERSION or :ALIAS", fn)
	}
	return nil
}

// InvokeURI is the integration URI that invokes fn in region.
func InvokeURI(region, fn string) string {
	return uriPrefix + region + uriMiddle + fn + uriSuffix
}
