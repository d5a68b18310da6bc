package lambda

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/ferrygw/ferry/internal/gatewayresponse"
	"github.com/ferrygw/ferry/internal/integration"
)

// stageVariable is a ${stageVariables.NAME} reference, the way API Gateway
// users point one API at a function or alias per stage.
var stageVariable = regexp.MustCompile(`\$\{stageVariables\.([A-Za-z0-9_]+)\}`)

// placeholder stands in for each reference when there is no stage (an
// import-time check), so the rest of the URI is still checked.
const placeholder = "stagevariable"

// resolveFunction fills the stage variables of cfg's URI once per
// deployment. A reference to a variable the stage does not set, or one
// that leaves no valid function, is not a deployment error: like API
// Gateway, ferry answers such a method with a 500 and logs why, and the
// rest of the stage keeps serving. broken is that answer's backend.
func resolveFunction(cfg integration.Config) (out integration.Config, broken integration.Backend) {
	uri := cfg.Integration.URI
	if !strings.Contains(uri, "${stageVariables.") {
		return cfg, nil
	}
	var missing []string
	resolved := stageVariable.ReplaceAllStringFunc(uri, func(ref string) string {
		name := stageVariable.FindStringSubmatch(ref)[1]
		if cfg.StageVariables == nil {
			return placeholder
		}
		v, ok := cfg.StageVariables[name]
		if !ok || v == "" {
			missing = append(missing, name)
			return placeholder
		}
		return v
	})
	var err error
	if len(missing) > 0 {
		err = fmt.Errorf("integration.uri: stage %s does not set stage variable(s) %s", cfg.Stage, strings.Join(missing, ", "))
	} else if _, _, perr := ParseInvokeURI(resolved); perr != nil {
		err = fmt.Errorf("integration.uri with the stage's variables: %w", perr)
	}
	if err != nil {
		return cfg, func(context.Context, *integration.Request) (*integration.Response, error) {
			return nil, gatewayresponse.Internal(err)
		}
	}
	in := *cfg.Integration
	in.URI = resolved
	cfg.Integration = &in
	return cfg, nil
}
