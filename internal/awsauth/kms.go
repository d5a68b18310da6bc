package awsauth

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// KMSClient returns a KMS client for the master-key envelope of package
// kvm (kvm.KeyConfig.KMS): the SDK's default credentials, the configured
// region, and the same endpoint overrides as every other service
// (AWS_ENDPOINT_URL_KMS, endpoints.kms, AWS_ENDPOINT_URL, endpointURL).
// It is built before key-value maps are open, so its credentials cannot
// come from one.
func (r *Resolver) KMSClient(ctx context.Context) (*kms.Client, error) {
	base, region, ep, err := r.serviceTarget(ctx, "kms")
	if errors.Is(err, errNoRegion) {
		return nil, fmt.Errorf("awsauth: KMS: no region (set region in ferry's config or AWS_REGION)")
	}
	if err != nil {
		return nil, fmt.Errorf("awsauth: KMS: %w", err)
	}
	return kms.NewFromConfig(base, func(o *kms.Options) {
		o.Region = region
		if ep.Overridden {
			o.BaseEndpoint = aws.String(ep.URL)
		}
		if r.httpc != nil {
			o.HTTPClient = r.httpc
		}
	}), nil
}
