// Package s3presign owns ferry's presigned redirect, an extension on S3
// path integrations declared on the operation:
//
//	put:
//	  x-ferry-s3-presign:
//	    thresholdBytes: 10485760   # redirect uploads whose Content-Length is above this
//	    expiresSeconds: 300        # how long the presigned URL is valid (1 to 604800; 900 when unset)
//	    always: false              # true: redirect every call, whatever its size
//
// A call that qualifies is answered 307 Temporary Redirect with Location
// set to a presigned S3 URL for the same object and method, made with the
// AWS SDK's presigner and the integration's own credentials and endpoint;
// the client then moves the bytes straight to S3 and ferry never sees them.
// Calls below the threshold go through the integration as usual.
//
// The decision is a pipeline guard: it runs after routing and the
// method's authorization, before the body is read. The package must not
// read request bodies or call S3 itself.
package s3presign
