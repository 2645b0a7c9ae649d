package uploadcmd

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/edasctl/edasctl/internal/cli/cmdutil"
)

// checkDeployed makes sure the stack's bucket exists before anything is
// uploaded. HeadBucket answers a missing bucket with 404 and no body, which
// the SDK models as *types.NotFound
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html);
// NoSuchBucket is accepted too, as other calls name it so.
func checkDeployed(ctx context.Context, api s3API, stackName, bucket string) error {
	_, err := api.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)})
	if err == nil {
		return nil
	}
	if isNoBucket(err) {
		return cmdutil.WithHint(fmt.Errorf("stack %s is not deployed (bucket %s not found)", stackName, bucket), "run 'edasctl up' first")
	}
	return fmt.Errorf("check bucket %s: %w", bucket, err)
}

func isNoBucket(err error) bool {
	var notFound *types.NotFound
	var noBucket *types.NoSuchBucket
	var apiErr smithy.APIError
	return errors.As(err, &notFound) || errors.As(err, &noBucket) ||
		errors.As(err, &apiErr) && (apiErr.ErrorCode() == "NoSuchBucket" || apiErr.ErrorCode() == "NotFound")
}
