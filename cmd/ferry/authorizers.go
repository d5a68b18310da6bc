package main

import (
	"crypto/x509"
	"fmt"
	"log/slog"
	"os"

	"github.com/ferrygw/ferry/internal/authorizer"
	"github.com/ferrygw/ferry/internal/awsauth"
	"github.com/ferrygw/ferry/internal/config"
	"github.com/ferrygw/ferry/internal/integration/awsservice"
	"github.com/ferrygw/ferry/internal/integration/lambda"
)

// jwksCAEnv names a PEM bundle of CAs trusted, besides the system's, for
// fetching the signing keys of JWT and Cognito authorizers: how a private
// issuer is trusted without changing the machine's trust store.
const jwksCAEnv = "FERRY_JWKS_CA_FILE"

// newAuthorizers builds the authorizer step: Lambda authorizers are
// invoked through the same signed Invoke call as Lambda integrations.
func newAuthorizers(cfg *config.Config, env *cliEnv, resolver *awsauth.Resolver, log *slog.Logger) (*authorizer.Authorizers, error) {
	opt := authorizer.Options{
		Invoke:    lambda.Custom(awsservice.Factory(resolver)),
		Region:    cfg.AWS.Region,
		AccountID: cfg.AWS.AccountID,
		Logger:    log,
	}
	if path := env.getenv(jwksCAEnv); path != "" {
		pem, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", jwksCAEnv, err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s: %s holds no PEM certificate", jwksCAEnv, path)
		}
		opt.RootCAs = pool
	}
	return authorizer.New(opt), nil
}
