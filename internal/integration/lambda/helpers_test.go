package lambda

import (
	"github.com/ferrygw/ferry/internal/binarymedia"
	"github.com/ferrygw/ferry/internal/integration"
)

type (
	integrationConfig = integration.Config
	backendFunc       = integration.Backend
)

// mustTypes compiles a binaryMediaTypes list the tests know is valid.
func mustTypes(list ...string) binarymedia.Types {
	t, err := binarymedia.Compile(list)
	if err != nil {
		panic(err)
	}
	return t
}
