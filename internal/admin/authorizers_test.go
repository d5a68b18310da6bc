package admin

import (
	"testing"

	"github.com/ferrygw/ferry/internal/model"
)

func TestListAndGetAuthorizers(t *testing.T) {
	hs, _ := newAuthorizerHarness(t)
	var got struct {
		Item []*model.Authorizer `json:"item"`
	}
	hs.ok("GET", "/restapis/a1/authorizers", nil, 200).json(t, &got)
	if len(got.Item) != 1 || got.Item[0].ID != "az0001" || got.Item[0].Name != "tok" || got.Item[0].Type != "TOKEN" {
		t.Fatalf("GET authorizers: %+v", got.Item)
	}
	for _, ref := range []string{"az0001", "tok"} {
		var a model.Authorizer
		hs.ok("GET", "/restapis/a1/authorizers/"+ref, nil, 200).json(t, &a)
		if a.ID != "az0001" || a.AuthorizerURI == "" {
			t.Errorf("GET authorizer %s: %+v", ref, a)
		}
	}
	hs.do("GET", "/restapis/a1/authorizers/nope", readToken, nil).errorMessage(t, 404, ErrNotFound)
	hs.do("GET", "/restapis/none/authorizers", readToken, nil).errorMessage(t, 404, ErrNotFound)

	// An API without authorizers lists none, as an empty list.
	hs.seedAPI("a2")
	if body := hs.ok("GET", "/restapis/a2/authorizers", nil, 200).body; string(body) != `{"item":[]}` {
		t.Errorf("no authorizers: %s", body)
	}
}
