package s3

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

func TestNewBucketsHaveAWSDefaults(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, harnessConfig{})
	h.createBucket("defaults")
	pab, err := h.client.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String("defaults")})
	if err != nil {
		t.Fatal(err)
	}
	c := pab.PublicAccessBlockConfiguration
	if !aws.ToBool(c.BlockPublicAcls) || !aws.ToBool(c.IgnorePublicAcls) || !aws.ToBool(c.BlockPublicPolicy) || !aws.ToBool(c.RestrictPublicBuckets) {
		t.Errorf("public access block = %+v, want all on", c)
	}
	own, err := h.client.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: aws.String("defaults")})
	if err != nil {
		t.Fatal(err)
	}
	if own.OwnershipControls.Rules[0].ObjectOwnership != types.ObjectOwnershipBucketOwnerEnforced {
		t.Errorf("ownership = %v, want BucketOwnerEnforced", own.OwnershipControls.Rules[0].ObjectOwnership)
	}
	enc, err := h.client.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String("defaults")})
	if err != nil {
		t.Fatal(err)
	}
	if enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm != types.ServerSideEncryptionAes256 {
		t.Errorf("encryption = %+v, want AES256", enc.ServerSideEncryptionConfiguration.Rules[0])
	}
}

func TestBucketSubresourcesRoundTripAndReportAbsence(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, harnessConfig{})
	h.createBucket("subs")
	bucket := aws.String("subs")
	notFound := func(t *testing.T, err error, code string) {
		t.Helper()
		var apiErr smithy.APIError
		if !errors.As(err, &apiErr) || apiErr.ErrorCode() != code {
			t.Fatalf("error = %v, want %s", err, code)
		}
	}

	t.Run("policy", func(t *testing.T) {
		_, err := h.client.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: bucket})
		notFound(t, err, "NoSuchBucketPolicy")
		policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::subs/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
		if _, err := h.client.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: bucket, Policy: aws.String(policy)}); err != nil {
			t.Fatal(err)
		}
		got, err := h.client.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: bucket})
		if err != nil || aws.ToString(got.Policy) != policy {
			t.Fatalf("GetBucketPolicy = %v, %v", aws.ToString(got.Policy), err)
		}
		_, err = h.client.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: bucket, Policy: aws.String("not json")})
		notFound(t, err, "MalformedPolicy")
		if _, err := h.client.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: bucket}); err != nil {
			t.Fatal(err)
		}
		_, err = h.client.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: bucket})
		notFound(t, err, "NoSuchBucketPolicy")
	})
	t.Run("public access block", func(t *testing.T) {
		if _, err := h.client.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: bucket,
			PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(false)}}); err != nil {
			t.Fatal(err)
		}
		got, err := h.client.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: bucket})
		if err != nil || !aws.ToBool(got.PublicAccessBlockConfiguration.BlockPublicAcls) || aws.ToBool(got.PublicAccessBlockConfiguration.BlockPublicPolicy) {
			t.Fatalf("GetPublicAccessBlock = %+v, %v", got, err)
		}
		if _, err := h.client.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: bucket}); err != nil {
			t.Fatal(err)
		}
		_, err = h.client.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: bucket})
		notFound(t, err, "NoSuchPublicAccessBlockConfiguration")
	})
	t.Run("ownership controls", func(t *testing.T) {
		if _, err := h.client.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: bucket,
			OwnershipControls: &types.OwnershipControls{Rules: []types.OwnershipControlsRule{{ObjectOwnership: types.ObjectOwnershipObjectWriter}}}}); err != nil {
			t.Fatal(err)
		}
		got, err := h.client.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: bucket})
		if err != nil || got.OwnershipControls.Rules[0].ObjectOwnership != types.ObjectOwnershipObjectWriter {
			t.Fatalf("GetBucketOwnershipControls = %+v, %v", got, err)
		}
		if _, err := h.client.DeleteBucketOwnershipControls(ctx, &s3.DeleteBucketOwnershipControlsInput{Bucket: bucket}); err != nil {
			t.Fatal(err)
		}
		_, err = h.client.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: bucket})
		notFound(t, err, "OwnershipControlsNotFoundError")
	})
	t.Run("encryption", func(t *testing.T) {
		if _, err := h.client.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: bucket, ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{
			Rules: []types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{
				SSEAlgorithm: types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String("alias/edas")}, BucketKeyEnabled: aws.Bool(true)}}}}); err != nil {
			t.Fatal(err)
		}
		got, err := h.client.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: bucket})
		if err != nil || aws.ToString(got.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.KMSMasterKeyID) != "alias/edas" {
			t.Fatalf("GetBucketEncryption = %+v, %v", got, err)
		}
	})
	t.Run("tagging", func(t *testing.T) {
		_, err := h.client.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: bucket})
		notFound(t, err, "NoSuchTagSet")
		if _, err := h.client.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: bucket, Tagging: &types.Tagging{TagSet: []types.Tag{
			{Key: aws.String("edas:stack"), Value: aws.String("edas")}, {Key: aws.String("edas:managed-by"), Value: aws.String("edasctl")}}}}); err != nil {
			t.Fatal(err)
		}
		got, err := h.client.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: bucket})
		if err != nil || len(got.TagSet) != 2 {
			t.Fatalf("GetBucketTagging = %+v, %v", got, err)
		}
		_, err = h.client.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: bucket, Tagging: &types.Tagging{TagSet: []types.Tag{
			{Key: aws.String("dup"), Value: aws.String("1")}, {Key: aws.String("dup"), Value: aws.String("2")}}}})
		notFound(t, err, "InvalidTag")
		if _, err := h.client.DeleteBucketTagging(ctx, &s3.DeleteBucketTaggingInput{Bucket: bucket}); err != nil {
			t.Fatal(err)
		}
		_, err = h.client.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: bucket})
		notFound(t, err, "NoSuchTagSet")
	})
}

func TestNotificationConfiguration(t *testing.T) {
	ctx := context.Background()
	var validated []string
	h := newHarness(t, harnessConfig{opts: Options{ValidateNotification: func(bucket, region string, cfg *NotificationConfiguration) error {
		for _, tc := range cfg.Topics {
			if strings.HasSuffix(tc.TopicArn, ":missing") {
				return errInvalidArgument("", "", "Unable to validate the following destination configurations")
			}
			validated = append(validated, tc.TopicArn)
		}
		return nil
	}}})
	h.createBucket("notes")
	bucket := aws.String("notes")
	empty, err := h.client.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: bucket})
	if err != nil || len(empty.TopicConfigurations) != 0 {
		t.Fatalf("unset configuration = %+v, %v; want empty", empty, err)
	}
	topic := "arn:aws:sns:us-east-1:000000000000:edas-uploads"
	cfg := &types.NotificationConfiguration{TopicConfigurations: []types.TopicConfiguration{{
		TopicArn: aws.String(topic), Events: []types.Event{"s3:ObjectCreated:*"},
		Filter: &types.NotificationConfigurationFilter{Key: &types.S3KeyFilter{FilterRules: []types.FilterRule{{Name: types.FilterRuleNamePrefix, Value: aws.String("uploads/")}}}},
	}}}
	if _, err := h.client.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: bucket, NotificationConfiguration: cfg}); err != nil {
		t.Fatal(err)
	}
	got, err := h.client.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: bucket})
	if err != nil || len(got.TopicConfigurations) != 1 {
		t.Fatalf("GetBucketNotificationConfiguration = %+v, %v", got, err)
	}
	tc := got.TopicConfigurations[0]
	if aws.ToString(tc.TopicArn) != topic || aws.ToString(tc.Id) == "" || aws.ToString(tc.Filter.Key.FilterRules[0].Value) != "uploads/" {
		t.Errorf("stored topic configuration = %+v", tc)
	}
	if len(validated) != 1 || validated[0] != topic {
		t.Errorf("validated %v, want the topic", validated)
	}
	parsed, ok := h.svc.NotificationConfiguration("notes")
	if !ok || len(parsed.Topics) != 1 || !Matches(parsed.Topics[0].Events, parsed.Topics[0].Filter, "s3:ObjectCreated:Put", "uploads/a.jpg") ||
		Matches(parsed.Topics[0].Events, parsed.Topics[0].Filter, "s3:ObjectCreated:Put", "thumbnails/a.jpg") {
		t.Errorf("NotificationConfiguration = %+v, %v", parsed, ok)
	}

	bad := &types.NotificationConfiguration{TopicConfigurations: []types.TopicConfiguration{{
		TopicArn: aws.String("arn:aws:sns:us-east-1:000000000000:missing"), Events: []types.Event{"s3:ObjectCreated:*"}}}}
	_, err = h.client.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: bucket, NotificationConfiguration: bad})
	wantCode(t, err, "InvalidArgument")

	if _, err := h.client.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: bucket,
		NotificationConfiguration: &types.NotificationConfiguration{}}); err != nil {
		t.Fatal(err)
	}
	cleared, err := h.client.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: bucket})
	if err != nil || len(cleared.TopicConfigurations) != 0 {
		t.Errorf("after an empty PUT = %+v, %v; want cleared", cleared, err)
	}
}

func TestMalformedXMLBodiesAreMalformedXML(t *testing.T) {
	h := newHarness(t, harnessConfig{})
	h.createBucket("xml")
	up := h.raw(http.MethodPost, "/xml/k?uploads", nil, nil)
	uploadID := between(readBody(t, up), "<UploadId>", "</UploadId>")
	for name, path := range map[string]string{
		"versioning":          "/xml?versioning",
		"tagging":             "/xml?tagging",
		"public access block": "/xml?publicAccessBlock",
		"ownership controls":  "/xml?ownershipControls",
		"encryption":          "/xml?encryption",
		"notification":        "/xml?notification",
		"complete upload":     "/xml/k?uploadId=" + uploadID,
		"create bucket":       "/xml2",
	} {
		for _, body := range []string{"<unclosed", "not xml at all", "<A></A><B></B>"} {
			t.Run(name+" "+body, func(t *testing.T) {
				method := http.MethodPut
				if strings.Contains(path, "uploadId") {
					method = http.MethodPost
				}
				wantStatus(t, h.raw(method, path, []byte(body), nil), http.StatusBadRequest, "MalformedXML")
			})
		}
	}
}
