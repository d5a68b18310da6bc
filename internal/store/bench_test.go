package store_test

import (
	"fmt"
	"testing"

	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/store"
)

// bigAPI is an API with n resources of two methods each, about the size of a
// real import, so the benchmarks measure JSON as well as SQLite.
func bigAPI(id string, n int) *model.API {
	a := newAPI(id, "bench")
	for i := range n {
		a.Resources = append(a.Resources, &model.Resource{
			ID: fmt.Sprintf("r%05d", i), ParentID: "root00", PathPart: fmt.Sprintf("p%d", i), Path: fmt.Sprintf("/p%d", i),
			ResourceMethods: map[string]*model.Method{
				"GET":  {HTTPMethod: "GET", AuthorizationType: "NONE", MethodIntegration: &model.Integration{Type: model.IntegrationMock, RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`}}},
				"POST": {HTTPMethod: "POST", AuthorizationType: "NONE", MethodIntegration: &model.Integration{Type: model.IntegrationHTTP, URI: "http://127.0.0.1:1/x"}},
			},
		})
	}
	return a
}

func BenchmarkGetAPI100Resources(b *testing.B) {
	s, _ := newStore(b)
	must(b, s.CreateAPI(ctx, bigAPI("aaaaaaaaaa", 100)))
	for b.Loop() {
		if _, err := s.GetAPI(ctx, "aaaaaaaaaa"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUpdateAPI100Resources(b *testing.B) {
	s, _ := newStore(b)
	must(b, s.CreateAPI(ctx, bigAPI("aaaaaaaaaa", 100)))
	for b.Loop() {
		_, err := s.UpdateAPI(ctx, "aaaaaaaaaa", func(a *model.API) error { a.RestAPI.Description += "x"; return nil })
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFindAPIKeyByValue(b *testing.B) {
	s, _ := newStore(b)
	for i := range 1000 {
		must(b, s.CreateAPIKey(ctx, &model.APIKey{ID: fmt.Sprintf("k%04d", i), Value: fmt.Sprintf("value-%04d-0123456789", i)}))
	}
	for b.Loop() {
		if _, err := s.FindAPIKeyByValue(ctx, "value-0500-0123456789"); err != nil {
			b.Fatal(err)
		}
	}
}

// Lookups from many goroutines, as the data plane makes them. "view" reads
// through the backend's View; "txn" hides it, so reads queue through Txn.
func BenchmarkFindAPIKeyByValueParallel(b *testing.B) {
	s, backend := newStore(b)
	for i := range 1000 {
		must(b, s.CreateAPIKey(ctx, &model.APIKey{ID: fmt.Sprintf("k%04d", i), Value: fmt.Sprintf("value-%04d-0123456789", i)}))
	}
	for _, c := range []struct {
		name string
		s    *store.Store
	}{
		{"view", s},
		{"txn", store.New(struct{ store.Backend }{backend})},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := c.s.FindAPIKeyByValue(ctx, "value-0500-0123456789"); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
