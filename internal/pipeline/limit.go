package pipeline

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/ferrygw/ferry/internal/gatewayresponse"
	"github.com/ferrygw/ferry/internal/model"
)

// PayloadLimitVariable is the stage variable that sets a stage's payload
// limit in bytes: the largest method request body ferry buffers for
// templates, mappings, validation or Lambda proxy events. Without it the
// limit is Options.MaxBody (10 MB by default, API Gateway's). Bodies that
// stream to their integration (HTTP_PROXY, S3 path integrations without a
// request template) are not bounded by it. A stage variable keeps the
// setting beside the stage it governs, set with the same tools as the
// stage's other variables, and lets one API give stages different limits.
const PayloadLimitVariable = "ferryPayloadLimit"

// stageLimit reads the stage's payload limit.
func stageLimit(stage *model.Stage, opt *Options) (int64, error) {
	v, ok := stage.Variables[PayloadLimitVariable]
	if !ok {
		return opt.maxBody(), nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("stage %q: stage variable %s=%q: want a positive number of bytes", stage.StageName, PayloadLimitVariable, v)
	}
	return n, nil
}

// readRequestBody buffers the method request body within the stage's
// limit. A declared Content-Length over the limit is refused before a
// single byte is read or allocated; a body without one (chunked) is read
// through a limited reader, so at most limit+1 bytes are ever held.
func (s *Stage) readRequestBody(r *http.Request) ([]byte, error) {
	limit := s.maxBody
	if limit <= 0 {
		limit = s.opt.maxBody()
	}
	if r.ContentLength > limit {
		return nil, gatewayresponse.New(gatewayresponse.RequestTooLarge,
			fmt.Errorf("request body of %d bytes is over the stage's payload limit of %d bytes", r.ContentLength, limit))
	}
	return readBody(r.Body, limit)
}
