package e2e

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/ferrygw/ferry/internal/testenv"
)

// awsWorld is MinIO (S3 and STS) with an STS front that checks role ARNs and
// external ids, and a credential registry every service front shares, so
// the temporary keys ferry gets from AssumeRole verify everywhere and a
// signing bug fails the test instead of passing unnoticed.
type awsWorld struct {
	minio *testenv.MinIOServer
	reg   *testenv.Credentials
	sts   *testenv.AWSFront
	// roles maps each role ARN the STS front accepts to its external id.
	roles map[string]string
	env   []string
}

const (
	testAccount = "123456789012"
	testRegion  = "us-east-1"
)

func newAWSWorld(t *testing.T, roles map[string]string) *awsWorld {
	t.Helper()
	w := &awsWorld{minio: testenv.MinIO(t), roles: roles}
	w.reg = testenv.NewCredentials(map[string]testenv.Cred{w.minio.AccessKey: {SecretKey: w.minio.SecretKey}})
	w.sts = testenv.NewAWSFront(t, testenv.FrontConfig{Upstream: w.minio.Endpoint, Service: "sts", Region: testRegion, Registry: w.reg, Roles: roles})
	none := filepath.Join(t.TempDir(), "none")
	// ferry's default credential chain: MinIO's root keys in the
	// environment, and nothing from this machine's own AWS files.
	w.env = []string{
		"AWS_ACCESS_KEY_ID=" + w.minio.AccessKey,
		"AWS_SECRET_ACCESS_KEY=" + w.minio.SecretKey,
		"AWS_SESSION_TOKEN=",
		"AWS_REGION=" + testRegion,
		"AWS_CONFIG_FILE=" + none,
		"AWS_SHARED_CREDENTIALS_FILE=" + none,
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_ENDPOINT_URL=",
		"AWS_ENDPOINT_URL_STS=" + w.sts.URL,
		"AWS_ENDPOINT_URL_S3=" + w.minio.Endpoint,
	}
	return w
}

// front puts a verifying front before upstream for one service and points
// ferry's AWS_ENDPOINT_URL_<ENVNAME> at it.
func (w *awsWorld) front(t *testing.T, service, envName, upstream string) *testenv.AWSFront {
	t.Helper()
	f := testenv.NewAWSFront(t, testenv.FrontConfig{Upstream: upstream, Service: service, Region: testRegion, Registry: w.reg})
	w.env = append(w.env, "AWS_ENDPOINT_URL_"+envName+"="+f.URL)
	return f
}

// sdk is an AWS SDK configuration for the test's own calls to a server
// (setting up and checking, never on ferry's behalf).
func sdk() aws.Config {
	return aws.Config{Region: testRegion, Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "")}
}

// signedWithTemporaryKeys reports whether every request the front accepted
// was signed with credentials other than the root keys and carried a
// session token: the mark of an assumed role.
func signedWithTemporaryKeys(f *testenv.AWSFront, rootKey string) bool {
	reqs := f.Requests()
	if len(reqs) == 0 {
		return false
	}
	for _, r := range reqs {
		if r.AccessKey == rootKey || r.Header.Get("X-Amz-Security-Token") == "" {
			return false
		}
	}
	return true
}

func bg() context.Context { return context.Background() }
