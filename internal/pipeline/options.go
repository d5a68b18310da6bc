package pipeline

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/ferrygw/ferry/internal/integration"
	"github.com/ferrygw/ferry/internal/integrationresponse"
	"github.com/ferrygw/ferry/internal/model"
)

// DefaultMaxBody is API Gateway's payload limit, 10 MB.
const DefaultMaxBody = 10 << 20

// Options configures compilation and serving.
type Options struct {
	// Transport sends requests to HTTP and HTTP_PROXY backends; nil uses
	// integration.SharedTransport(), one pool for the whole process.
	Transport http.RoundTripper
	// Integrations builds a backend per integration type; nil means
	// integration.Defaults() (MOCK, HTTP, HTTP_PROXY). Add AWS and AWS_PROXY here.
	Integrations integration.Factories
	// SelectionKeys gives, per integration type, the string selection
	// patterns match (Lambda's errorMessage); types absent use the status code.
	SelectionKeys map[string]integrationresponse.KeyFunc
	// SelectionKeyFor, when set, gives the selection key of one integration
	// and wins over SelectionKeys when it returns non-nil: an AWS
	// integration that invokes Lambda selects by errorMessage while other
	// AWS integrations select by status.
	SelectionKeyFor func(in *model.Integration) integrationresponse.KeyFunc
	// Logger receives diagnostics; nil discards them.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// AccountID is $context.accountId.
	AccountID string
	// MaxBody bounds a buffered request body; 0 means DefaultMaxBody.
	MaxBody int64
	// KVM reads a non-encrypted key-value map entry for $kvm.get in the
	// templates of the given API's stage (which scopes it searches is its
	// business); nil disables $kvm.
	KVM func(apiID, stage, mapName, key string) (string, bool)

	// Guards build the method-request checks that run after routing and
	// before the body is read, in this order (API Gateway's: resource
	// policy, authorizer, API key, throttling). Test-invoke skips them, as
	// API Gateway's does.
	Guards []GuardFactory

	// stageModel is the stage being compiled, for guard factories.
	stageModel *model.Stage

	// stage is the stage being compiled, set by Compile for integration
	// factories; empty in Check.
	stage string
}

func (o *Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

func (o *Options) maxBody() int64 {
	if o.MaxBody > 0 {
		return o.MaxBody
	}
	return DefaultMaxBody
}
