package pipeline

import (
	"sync/atomic"
	"time"
)

// clfSecond is $context.requestTime formatted for one second.
type clfSecond struct {
	unix int64
	text string
}

// lastRequestTime holds the latest second formatted. The CLF time has a
// resolution of one second and is always in UTC, so every request of the
// same second shares one string instead of formatting (and allocating) it
// again; under load that is thousands of requests per format.
var lastRequestTime atomic.Pointer[clfSecond]

// requestTime is t as $context.requestTime: "22/Nov/2026:20:16:33 +0000".
func requestTime(t time.Time) string {
	sec := t.Unix()
	if c := lastRequestTime.Load(); c != nil && c.unix == sec {
		return c.text
	}
	c := &clfSecond{unix: sec, text: t.UTC().Format(clfTime)}
	lastRequestTime.Store(c)
	return c.text
}
