package awsauth

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/credentials"
)

// An integration's own external id (Where.ExternalID) replaces the one the
// configuration gives the role, and each external id gets its own cached
// session, so integrations of different owners never share one.
func TestWhereExternalIDOverridesTheRole(t *testing.T) {
	w := newSTSWorld(t)
	ctx := context.Background()
	rootCreds := credentials.NewStaticCredentialsProvider(w.minio.AccessKey, w.minio.SecretKey, "")
	r, err := NewResolver(Config{Region: "us-east-1", Roles: []RoleConfig{{ARN: roleWithExternalID, ExternalID: "configured-but-wrong"}}},
		nil, WithGetenv(w.env), baseWith("us-east-1", rootCreds))
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Retrieve(ctx, roleWithExternalID, Where{APIID: "a1"})
	if err == nil || !strings.Contains(err.Error(), "AccessDenied") {
		t.Fatalf("with the configured (wrong) external id: %v, want AccessDenied", err)
	}
	c, err := r.Retrieve(ctx, roleWithExternalID, Where{APIID: "a1", ExternalID: externalID})
	if err != nil {
		t.Fatalf("with the integration's external id: %v", err)
	}
	if c.SessionToken == "" || c.AccessKeyID == w.minio.AccessKey {
		t.Fatalf("not temporary credentials")
	}
	again, err := r.Retrieve(ctx, roleWithExternalID, Where{APIID: "a2", ExternalID: externalID})
	if err != nil || again.AccessKeyID != c.AccessKeyID {
		t.Fatalf("the same role and external id should share one session: %v", err)
	}
	_, err = r.Retrieve(ctx, roleWithExternalID, Where{ExternalID: "another-owner"})
	if err == nil || strings.Contains(err.Error(), "another-owner") {
		t.Fatalf("a different external id must not reuse the session, nor appear in the error: %v", err)
	}
	// The front forwards the one call with the right external id and
	// refuses the two others: three AssumeRole calls for four retrievals.
	if n, refused := w.assumeCalls(), len(w.front.Refused()); n != 1 || refused != 2 {
		t.Errorf("%d AssumeRole calls accepted and %d refused, want 1 and 2", n, refused)
	}
}
