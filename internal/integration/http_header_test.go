package integration

import (
	"net/http"
	"reflect"
	"testing"
)

func TestOutgoingHeader(t *testing.T) {
	tests := []struct {
		name   string
		in     http.Header
		want   http.Header
		shared bool // the input itself may be sent: nothing to remove
	}{
		{name: "nil", in: nil, want: http.Header{}},
		{name: "clean", in: http.Header{"Accept": {"*/*"}, "X-Id": {"1"}}, want: http.Header{"Accept": {"*/*"}, "X-Id": {"1"}}, shared: true},
		{name: "hop-by-hop", in: http.Header{"Accept": {"*/*"}, "Te": {"trailers"}, "Keep-Alive": {"5"}, "Transfer-Encoding": {"chunked"}},
			want: http.Header{"Accept": {"*/*"}}},
		{name: "connection names", in: http.Header{"Connection": {"close, X-Private", " x-other "}, "X-Private": {"s"}, "X-Other": {"o"}, "X-Kept": {"k"}},
			want: http.Header{"X-Kept": {"k"}}},
		{name: "host is left for the caller", in: http.Header{"Host": {"api.example"}, "Upgrade": {"h2c"}},
			want: http.Header{"Host": {"api.example"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := tt.in.Clone()
			got := outgoingHeader(tt.in)
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("outgoingHeader = %v, want %v", got, tt.want)
			}
			if !reflect.DeepEqual(tt.in, before) {
				t.Fatalf("outgoingHeader changed its input: %v, was %v", tt.in, before)
			}
			if tt.shared != (tt.in != nil && reflect.ValueOf(got).Pointer() == reflect.ValueOf(tt.in).Pointer()) {
				t.Fatalf("shared = %v, want %v", !tt.shared, tt.shared)
			}
		})
	}
}

func TestRemoveHopByHopKeepsEndToEnd(t *testing.T) {
	h := http.Header{"Connection": {"keep-alive"}, "Keep-Alive": {"timeout=5"}, "Proxy-Authenticate": {"Basic"},
		"Content-Type": {"application/json"}, "Trailer": {"X-Sum"}}
	removeHopByHop(h)
	if want := (http.Header{"Content-Type": {"application/json"}}); !reflect.DeepEqual(h, want) {
		t.Fatalf("after removeHopByHop: %v, want %v", h, want)
	}
}
