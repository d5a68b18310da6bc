package store_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/store"
)

func TestDomainsAndBasePaths(t *testing.T) {
	s, _ := newStore(t)
	seedAPI(t, s, "aaaaaaaaaa")
	must(t, s.PutDomainName(ctx, &model.DomainName{DomainName: "Z.example.com"}))
	must(t, s.PutDomainName(ctx, &model.DomainName{DomainName: "a.example.com"}))
	ds, err := s.ListDomainNames(ctx)
	must(t, err)
	if len(ds) != 2 || ds[0].DomainName != "a.example.com" || ds[1].DomainName != "z.example.com" || ds[1].CreatedDate == "" {
		t.Fatalf("ListDomainNames = %+v", ds)
	}

	cases := []struct {
		name   string
		m      model.BasePathMapping
		target error
		msg    string
	}{
		{"whole domain", model.BasePathMapping{DomainName: "a.example.com", RestAPIID: "aaaaaaaaaa", Stage: "prod"}, nil, ""},
		{"one level", model.BasePathMapping{DomainName: "A.example.com", BasePath: "pets", RestAPIID: "aaaaaaaaaa", Stage: "prod"}, nil, ""},
		{"two levels", model.BasePathMapping{DomainName: "a.example.com", BasePath: "v1/orders", RestAPIID: "aaaaaaaaaa", Stage: "prod"}, nil, ""},
		{"other domain", model.BasePathMapping{DomainName: "z.example.com", BasePath: "pets", RestAPIID: "aaaaaaaaaa", Stage: "prod"}, nil, ""},
		{"missing domain", model.BasePathMapping{DomainName: "b.example.com", BasePath: "x", RestAPIID: "aaaaaaaaaa"},
			store.ErrNotFound, `domain name "b.example.com": not found`},
		{"missing api", model.BasePathMapping{DomainName: "a.example.com", BasePath: "x", RestAPIID: "nope"},
			store.ErrNotFound, `api "nope": not found`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := s.PutBasePathMapping(ctx, &c.m)
			if c.msg == "" {
				must(t, err)
				return
			}
			wantErr(t, err, c.target, c.msg)
		})
	}

	ms, err := s.ListBasePathMappings(ctx, "A.EXAMPLE.COM")
	must(t, err)
	var paths []string
	for _, m := range ms {
		paths = append(paths, m.BasePath)
	}
	if want := []string{store.NoBasePath, "pets", "v1/orders"}; !slices.Equal(paths, want) {
		t.Fatalf("ListBasePathMappings = %q, want %q", paths, want)
	}
	if all, _ := s.ListAllBasePathMappings(ctx); len(all) != 4 {
		t.Fatalf("ListAllBasePathMappings has %d mappings, want 4", len(all))
	}

	must(t, s.DeleteBasePathMapping(ctx, "a.example.com", ""))
	wantErr(t, s.DeleteBasePathMapping(ctx, "a.example.com", ""), store.ErrNotFound,
		`domain name "a.example.com": base path mapping "(none)": not found`)
	must(t, s.DeleteDomainName(ctx, "a.example.com"))
	if all, _ := s.ListAllBasePathMappings(ctx); len(all) != 1 || all[0].DomainName != "z.example.com" {
		t.Fatalf("mappings after deleting the domain: %+v", all)
	}
	wantErr(t, s.DeleteDomainName(ctx, "a.example.com"), store.ErrNotFound, `domain name "a.example.com": not found`)
}

const secretValue = "s3cr3t-Value-0123456789abcdefghij"

func TestAPIKeys(t *testing.T) {
	s, b := newStore(t)
	must(t, s.CreateAPIKey(ctx, &model.APIKey{ID: "key1", Name: "alice", Enabled: true, Value: secretValue}))
	must(t, s.CreateAPIKey(ctx, &model.APIKey{ID: "key0", Name: "bob", Value: "another-value-0123456789"}))

	err := s.CreateAPIKey(ctx, &model.APIKey{ID: "key2", Value: secretValue})
	wantErr(t, err, store.ErrConflict, `api key "key2": another api key has the same value: conflict`)
	wantErr(t, s.CreateAPIKey(ctx, &model.APIKey{ID: "key1", Value: "fresh-value-0123456789"}), store.ErrConflict,
		`api key "key1": already exists: conflict`)
	if err := s.CreateAPIKey(ctx, &model.APIKey{ID: "key3"}); err == nil || err.Error() != `api key "key3": empty value` {
		t.Fatalf("empty value: %v", err)
	}

	k, err := s.FindAPIKeyByValue(ctx, secretValue)
	must(t, err)
	if k.ID != "key1" || k.Name != "alice" || !k.Enabled {
		t.Fatalf("FindAPIKeyByValue = %+v", k)
	}
	_, err = s.FindAPIKeyByValue(ctx, "wrong-"+secretValue)
	wantErr(t, err, store.ErrNotFound, "api key with the given value: not found")

	keys, err := s.ListAPIKeys(ctx)
	must(t, err)
	if len(keys) != 2 || keys[0].ID != "key0" || keys[1].ID != "key1" {
		t.Fatalf("ListAPIKeys = %+v", keys)
	}
	for _, k := range allKeys(t, b) {
		if strings.Contains(k, secretValue) {
			t.Fatalf("the key's value appears in the storage key %q", k)
		}
	}

	// Changing the value moves the index: the old value stops working.
	_, err = s.UpdateAPIKey(ctx, "key1", func(k *model.APIKey) error { k.Value = "rotated-0123456789abcdef"; k.Enabled = false; return nil })
	must(t, err)
	if _, err := s.FindAPIKeyByValue(ctx, secretValue); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("old value still finds the key: %v", err)
	}
	if k, err := s.FindAPIKeyByValue(ctx, "rotated-0123456789abcdef"); err != nil || k.Enabled {
		t.Fatalf("new value: %+v, %v", k, err)
	}
	_, err = s.UpdateAPIKey(ctx, "key1", func(k *model.APIKey) error { k.Value = "another-value-0123456789"; return nil })
	wantErr(t, err, store.ErrConflict, `api key "key1": another api key has the same value: conflict`)

	must(t, s.CreateUsagePlan(ctx, &model.UsagePlan{ID: "plan01"}))
	_, err = s.AddUsagePlanKey(ctx, "plan01", "key1")
	must(t, err)
	must(t, s.DeleteAPIKey(ctx, "key1"))
	if left := keysWithPrefix(allKeys(t, b), "usageplankey/"); len(left) != 0 {
		t.Fatalf("DeleteAPIKey left plan bindings %q", left)
	}
	if _, err := s.FindAPIKeyByValue(ctx, "rotated-0123456789abcdef"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted key still found by value: %v", err)
	}
	wantErr(t, s.DeleteAPIKey(ctx, "key1"), store.ErrNotFound, `api key "key1": not found`)
}

func TestUsagePlans(t *testing.T) {
	s, b := newStore(t)
	prod := []model.UsagePlanStage{{APIID: "aaaaaaaaaa", Stage: "prod"}}
	must(t, s.CreateUsagePlan(ctx, &model.UsagePlan{ID: "gold", Name: "Gold", APIStages: prod,
		Throttle: &model.ThrottleSettings{BurstLimit: 10, RateLimit: 5}}))
	must(t, s.CreateUsagePlan(ctx, &model.UsagePlan{ID: "silver", APIStages: prod}))
	must(t, s.CreateUsagePlan(ctx, &model.UsagePlan{ID: "bronze", APIStages: []model.UsagePlanStage{{APIID: "aaaaaaaaaa", Stage: "dev"}}}))
	wantErr(t, s.CreateUsagePlan(ctx, &model.UsagePlan{ID: "gold"}), store.ErrConflict, `usage plan "gold": already exists: conflict`)
	must(t, s.CreateAPIKey(ctx, &model.APIKey{ID: "k1", Name: "alice", Value: "value-one-0123456789"}))
	must(t, s.CreateAPIKey(ctx, &model.APIKey{ID: "k2", Name: "bob", Value: "value-two-0123456789"}))

	upk, err := s.AddUsagePlanKey(ctx, "gold", "k2")
	must(t, err)
	if upk.Type != "API_KEY" || upk.Name != "bob" {
		t.Fatalf("AddUsagePlanKey = %+v", upk)
	}
	_, err = s.AddUsagePlanKey(ctx, "gold", "k1")
	must(t, err)
	_, err = s.AddUsagePlanKey(ctx, "bronze", "k1")
	must(t, err)

	addCases := []struct {
		name, plan, key string
		target          error
		msg             string
	}{
		{"twice", "gold", "k1", store.ErrConflict, `api key "k1": already in usage plan "gold": conflict`},
		{"same stage in another plan", "silver", "k1", store.ErrConflict,
			`api key "k1": usage plan "gold" already covers stage aaaaaaaaaa/prod: conflict`},
		{"missing plan", "none", "k1", store.ErrNotFound, `usage plan "none": not found`},
		{"missing key", "gold", "k9", store.ErrNotFound, `api key "k9": not found`},
	}
	for _, c := range addCases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.AddUsagePlanKey(ctx, c.plan, c.key)
			wantErr(t, err, c.target, c.msg)
		})
	}

	_, err = s.UpdateAPIKey(ctx, "k1", func(k *model.APIKey) error { k.Name = "alice2"; return nil })
	must(t, err)
	pks, err := s.ListUsagePlanKeys(ctx, "gold")
	must(t, err)
	if want := []model.UsagePlanKey{{ID: "k1", Type: "API_KEY", Name: "alice2"}, {ID: "k2", Type: "API_KEY", Name: "bob"}}; !slices.Equal(pks, want) {
		t.Fatalf("ListUsagePlanKeys = %+v, want %+v", pks, want)
	}
	plans, err := s.UsagePlansForKey(ctx, "k1")
	must(t, err)
	if len(plans) != 2 || plans[0].ID != "bronze" || plans[1].ID != "gold" || plans[1].Throttle.RateLimit != 5 {
		t.Fatalf("UsagePlansForKey(k1) = %+v", plans)
	}

	p, err := s.UpdateUsagePlan(ctx, "gold", func(p *model.UsagePlan) error {
		p.Quota = &model.QuotaSettings{Limit: 1000, Period: "DAY"}
		return nil
	})
	must(t, err)
	if got, _ := s.GetUsagePlan(ctx, "gold"); got.Quota == nil || got.Quota.Limit != 1000 || p.Quota.Limit != 1000 {
		t.Fatalf("UpdateUsagePlan not stored: %+v", got)
	}

	must(t, s.RemoveUsagePlanKey(ctx, "gold", "k2"))
	wantErr(t, s.RemoveUsagePlanKey(ctx, "gold", "k2"), store.ErrNotFound, `usage plan "gold": api key "k2": not found`)
	must(t, s.DeleteUsagePlan(ctx, "gold"))
	if left := keysWithPrefix(allKeys(t, b), "usageplankey/gold/"); len(left) != 0 {
		t.Fatalf("DeleteUsagePlan left bindings %q", left)
	}
	if _, err := s.GetAPIKey(ctx, "k1"); err != nil {
		t.Fatalf("deleting a plan removed its key: %v", err)
	}
	_, err = s.ListUsagePlanKeys(ctx, "gold")
	wantErr(t, err, store.ErrNotFound, `usage plan "gold": not found`)
	all, _ := s.ListUsagePlans(ctx)
	if len(all) != 2 || all[0].ID != "bronze" || all[1].ID != "silver" {
		t.Fatalf("ListUsagePlans = %+v", all)
	}
}
