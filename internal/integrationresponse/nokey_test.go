package integrationresponse

import (
	"net/http"
	"testing"

	"github.com/ferrygw/ferry/internal/model"
)

// A KeyFunc that answers NoKey gets the default response even when a
// pattern matches everything; any other key is matched as usual.
func TestNoKeySelectsTheDefault(t *testing.T) {
	in := &model.Integration{IntegrationResponses: map[string]*model.IntegrationResponse{
		"200": {StatusCode: "200"},
		"500": {StatusCode: "500", SelectionPattern: "(?s).*"},
	}}
	key := func(_ int, h http.Header, _ []byte) string {
		if h.Get("X-Error") == "" {
			return NoKey
		}
		return h.Get("X-Error")
	}
	s, err := Compile(in, key)
	if err != nil {
		t.Fatal(err)
	}
	if r, _, err := s.Select(200, http.Header{}, nil); err != nil || r.Status != 200 {
		t.Errorf("NoKey selected %v (%v), want the default 200", r, err)
	}
	if r, _, err := s.Select(200, http.Header{"X-Error": {"boom"}}, nil); err != nil || r.Status != 500 {
		t.Errorf("key \"boom\" selected %v (%v), want 500", r, err)
	}
	noDefault, err := Compile(&model.Integration{IntegrationResponses: map[string]*model.IntegrationResponse{
		"500": {StatusCode: "500", SelectionPattern: "(?s).*"},
	}}, key)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := noDefault.Select(200, http.Header{}, nil); err == nil {
		t.Errorf("NoKey without a default response should fail as an unmatched answer does")
	}
}
