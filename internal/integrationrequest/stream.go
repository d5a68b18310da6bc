package integrationrequest

import (
	"net/http"

	"github.com/ferrygw/ferry/internal/awsproto"
	"github.com/ferrygw/ferry/internal/integration"
	"github.com/ferrygw/ferry/internal/model"
)

// streamsBody reports whether an AWS integration may take the client's
// body as a stream instead of a buffered copy: an S3 path/ URI whose body
// nothing transforms (no request template, no contentHandling, a
// passthrough behaviour that passes a body with no templates). Other AWS
// services need the payload hashed before the call, so theirs stay buffered.
func streamsBody(in *model.Integration) bool {
	if in.Type != model.IntegrationAWS || len(in.RequestTemplates) > 0 || in.ContentHandling != "" ||
		in.PassthroughBehavior == model.PassthroughNever {
		return false
	}
	u, err := awsproto.ParseServiceURI(in.URI)
	return err == nil && u.Kind == awsproto.PathURI && u.Service == "s3"
}

// objectHeaders are the client headers an S3 object call honours that
// ferry forwards on a streamed integration unless a mapping sets them:
// without them ranged and conditional reads, which S3 users rely on, would
// each need a mapping.
var objectHeaders = []string{
	"Range", "If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since",
	"Content-Type", "Content-MD5", "Cache-Control", "Content-Disposition", "Content-Encoding",
}

// streamBody hands the unread client body to the integration.
func streamBody(in *Input, out *integration.Request) {
	out.Stream, out.ContentLength = in.Stream, in.ContentLength
	copyObjectHeaders(in.Values.Header, out.Header)
}

func copyObjectHeaders(from, to http.Header) {
	for _, k := range objectHeaders {
		if v := from.Values(k); len(v) > 0 && to.Get(k) == "" {
			to[k] = append([]string(nil), v...)
		}
	}
}
