package lambda

import (
	"net/http"
	"testing"

	"github.com/ferrygw/ferry/internal/binarymedia"
)

// BenchmarkProxyRoundTrip is the per-request work of an AWS_PROXY call
// around the Invoke itself: building the event and reading the answer.
func BenchmarkProxyRoundTrip(b *testing.B) {
	p := sampleRequest()
	answer := []byte(`{"statusCode":200,"headers":{"Content-Type":"application/json","X-Req":"1"},"multiValueHeaders":{"Set-Cookie":["a=1","b=2"]},"body":"{\"id\":7,\"name\":\"rex\"}","isBase64Encoded":false}`)
	invoke := http.Header{}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := BuildEvent(p); err != nil {
			b.Fatal(err)
		}
		if _, err := Answer(invoke, answer, binarymedia.Types{}, ""); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBuildEvent(b *testing.B) {
	p := sampleRequest()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := BuildEvent(p); err != nil {
			b.Fatal(err)
		}
	}
}
