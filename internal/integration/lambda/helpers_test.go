package lambda

import "github.com/ferrygw/ferry/internal/integration"

type (
	integrationConfig = integration.Config
	backendFunc       = integration.Backend
)
