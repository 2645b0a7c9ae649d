package provision

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

type fakeVersion struct {
	key, id string
	marker  bool
}

type fakeBucket struct {
	tags       map[string]string
	pab        *s3types.PublicAccessBlockConfiguration
	ownership  s3types.ObjectOwnership
	encryption s3types.ServerSideEncryption
	policy     string
	versioning s3types.BucketVersioningStatus
	notif      s3types.NotificationConfiguration
	versions   []fakeVersion
	uploads    []string // keys
	// notEmptyFor makes DeleteBucket answer BucketNotEmpty this many times
	// after the bucket is empty (listing lag).
	notEmptyFor int
}

type fakeS3 struct{ c *fakeCloud }

var _ S3API = fakeS3{}

func (f fakeS3) bucket(name string) (*fakeBucket, error) {
	b := f.c.buckets[name]
	if b == nil {
		return nil, &s3types.NoSuchBucket{Message: aws.String("The specified bucket does not exist")}
	}
	return b, nil
}

func (f fakeS3) HeadBucket(_ context.Context, in *s3.HeadBucketInput, _ ...func(*s3.Options)) (*s3.HeadBucketOutput, error) {
	err := f.c.call("S3.HeadBucket", *in.Bucket)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if f.c.buckets[*in.Bucket] == nil {
		return nil, &s3types.NotFound{}
	}
	return &s3.HeadBucketOutput{}, nil
}

func (f fakeS3) CreateBucket(_ context.Context, in *s3.CreateBucketInput, _ ...func(*s3.Options)) (*s3.CreateBucketOutput, error) {
	err := f.c.call("S3.CreateBucket", *in.Bucket)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if f.c.region != "us-east-1" && (in.CreateBucketConfiguration == nil || string(in.CreateBucketConfiguration.LocationConstraint) != f.c.region) {
		return nil, apiErr("IllegalLocationConstraintException", "location constraint missing")
	}
	if f.c.buckets[*in.Bucket] != nil {
		return nil, &s3types.BucketAlreadyOwnedByYou{}
	}
	f.c.buckets[*in.Bucket] = &fakeBucket{tags: map[string]string{}}
	return &s3.CreateBucketOutput{}, nil
}

func (f fakeS3) DeleteBucket(_ context.Context, in *s3.DeleteBucketInput, _ ...func(*s3.Options)) (*s3.DeleteBucketOutput, error) {
	err := f.c.call("S3.DeleteBucket", *in.Bucket)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	b, err := f.bucket(*in.Bucket)
	if err != nil {
		return nil, err
	}
	if len(b.versions) > 0 || len(b.uploads) > 0 {
		return nil, apiErr("BucketNotEmpty", "The bucket you tried to delete is not empty")
	}
	if b.notEmptyFor > 0 {
		b.notEmptyFor--
		return nil, apiErr("BucketNotEmpty", "The bucket you tried to delete is not empty")
	}
	delete(f.c.buckets, *in.Bucket)
	return &s3.DeleteBucketOutput{}, nil
}

func (f fakeS3) GetPublicAccessBlock(_ context.Context, in *s3.GetPublicAccessBlockInput, _ ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error) {
	err := f.c.call("S3.GetPublicAccessBlock", *in.Bucket)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	b, err := f.bucket(*in.Bucket)
	if err != nil {
		return nil, err
	}
	if b.pab == nil {
		return nil, apiErr("NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found")
	}
	pab := *b.pab
	return &s3.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: &pab}, nil
}

func (f fakeS3) PutPublicAccessBlock(_ context.Context, in *s3.PutPublicAccessBlockInput, _ ...func(*s3.Options)) (*s3.PutPublicAccessBlockOutput, error) {
	err := f.c.call("S3.PutPublicAccessBlock", *in.Bucket)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	b, err := f.bucket(*in.Bucket)
	if err != nil {
		return nil, err
	}
	pab := *in.PublicAccessBlockConfiguration
	b.pab = &pab
	return &s3.PutPublicAccessBlockOutput{}, nil
}

func (f fakeS3) GetBucketOwnershipControls(_ context.Context, in *s3.GetBucketOwnershipControlsInput, _ ...func(*s3.Options)) (*s3.GetBucketOwnershipControlsOutput, error) {
	err := f.c.call("S3.GetBucketOwnershipControls", *in.Bucket)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	b, err := f.bucket(*in.Bucket)
	if err != nil {
		return nil, err
	}
	if b.ownership == "" {
		return nil, apiErr("OwnershipControlsNotFoundError", "The bucket ownership controls were not found")
	}
	return &s3.GetBucketOwnershipControlsOutput{OwnershipControls: &s3types.OwnershipControls{
		Rules: []s3types.OwnershipControlsRule{{ObjectOwnership: b.ownership}},
	}}, nil
}

func (f fakeS3) PutBucketOwnershipControls(_ context.Context, in *s3.PutBucketOwnershipControlsInput, _ ...func(*s3.Options)) (*s3.PutBucketOwnershipControlsOutput, error) {
	err := f.c.call("S3.PutBucketOwnershipControls", *in.Bucket)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	b, err := f.bucket(*in.Bucket)
	if err != nil {
		return nil, err
	}
	b.ownership = in.OwnershipControls.Rules[0].ObjectOwnership
	return &s3.PutBucketOwnershipControlsOutput{}, nil
}

func (f fakeS3) GetBucketEncryption(_ context.Context, in *s3.GetBucketEncryptionInput, _ ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error) {
	err := f.c.call("S3.GetBucketEncryption", *in.Bucket)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	b, err := f.bucket(*in.Bucket)
	if err != nil {
		return nil, err
	}
	if b.encryption == "" {
		return nil, apiErr("ServerSideEncryptionConfigurationNotFoundError", "The server side encryption configuration was not found")
	}
	return &s3.GetBucketEncryptionOutput{ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
		Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: b.encryption}}},
	}}, nil
}

func (f fakeS3) PutBucketEncryption(_ context.Context, in *s3.PutBucketEncryptionInput, _ ...func(*s3.Options)) (*s3.PutBucketEncryptionOutput, error) {
	err := f.c.call("S3.PutBucketEncryption", *in.Bucket)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	b, err := f.bucket(*in.Bucket)
	if err != nil {
		return nil, err
	}
	b.encryption = in.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm
	return &s3.PutBucketEncryptionOutput{}, nil
}

func (f fakeS3) GetBucketPolicy(_ context.Context, in *s3.GetBucketPolicyInput, _ ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error) {
	err := f.c.call("S3.GetBucketPolicy", *in.Bucket)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	b, err := f.bucket(*in.Bucket)
	if err != nil {
		return nil, err
	}
	if b.policy == "" {
		return nil, apiErr("NoSuchBucketPolicy", "The bucket policy does not exist")
	}
	return &s3.GetBucketPolicyOutput{Policy: aws.String(b.policy)}, nil
}

func (f fakeS3) PutBucketPolicy(_ context.Context, in *s3.PutBucketPolicyInput, _ ...func(*s3.Options)) (*s3.PutBucketPolicyOutput, error) {
	err := f.c.call("S3.PutBucketPolicy", *in.Bucket)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	b, err := f.bucket(*in.Bucket)
	if err != nil {
		return nil, err
	}
	b.policy = *in.Policy
	return &s3.PutBucketPolicyOutput{}, nil
}

func (f fakeS3) GetBucketVersioning(_ context.Context, in *s3.GetBucketVersioningInput, _ ...func(*s3.Options)) (*s3.GetBucketVersioningOutput, error) {
	err := f.c.call("S3.GetBucketVersioning", *in.Bucket)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	b, err := f.bucket(*in.Bucket)
	if err != nil {
		return nil, err
	}
	return &s3.GetBucketVersioningOutput{Status: b.versioning}, nil
}

func (f fakeS3) PutBucketVersioning(_ context.Context, in *s3.PutBucketVersioningInput, _ ...func(*s3.Options)) (*s3.PutBucketVersioningOutput, error) {
	err := f.c.call("S3.PutBucketVersioning", *in.Bucket)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	b, err := f.bucket(*in.Bucket)
	if err != nil {
		return nil, err
	}
	b.versioning = in.VersioningConfiguration.Status
	return &s3.PutBucketVersioningOutput{}, nil
}

func (f fakeS3) GetBucketTagging(_ context.Context, in *s3.GetBucketTaggingInput, _ ...func(*s3.Options)) (*s3.GetBucketTaggingOutput, error) {
	err := f.c.call("S3.GetBucketTagging", *in.Bucket)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	b, err := f.bucket(*in.Bucket)
	if err != nil {
		return nil, err
	}
	if len(b.tags) == 0 {
		return nil, apiErr("NoSuchTagSet", "The TagSet does not exist")
	}
	var set []s3types.Tag
	for _, k := range sortedKeys(b.tags) {
		set = append(set, s3types.Tag{Key: aws.String(k), Value: aws.String(b.tags[k])})
	}
	return &s3.GetBucketTaggingOutput{TagSet: set}, nil
}

func (f fakeS3) PutBucketTagging(_ context.Context, in *s3.PutBucketTaggingInput, _ ...func(*s3.Options)) (*s3.PutBucketTaggingOutput, error) {
	err := f.c.call("S3.PutBucketTagging", *in.Bucket)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	b, err := f.bucket(*in.Bucket)
	if err != nil {
		return nil, err
	}
	b.tags = map[string]string{}
	for _, t := range in.Tagging.TagSet {
		b.tags[*t.Key] = *t.Value
	}
	return &s3.PutBucketTaggingOutput{}, nil
}

func (f fakeS3) GetBucketNotificationConfiguration(_ context.Context, in *s3.GetBucketNotificationConfigurationInput, _ ...func(*s3.Options)) (*s3.GetBucketNotificationConfigurationOutput, error) {
	err := f.c.call("S3.GetBucketNotificationConfiguration", *in.Bucket)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	b, err := f.bucket(*in.Bucket)
	if err != nil {
		return nil, err
	}
	n := b.notif
	return &s3.GetBucketNotificationConfigurationOutput{
		TopicConfigurations: n.TopicConfigurations, QueueConfigurations: n.QueueConfigurations,
		LambdaFunctionConfigurations: n.LambdaFunctionConfigurations, EventBridgeConfiguration: n.EventBridgeConfiguration,
	}, nil
}

// PutBucketNotificationConfiguration validates, as S3 does (AWS-RULES S5),
// that every topic exists and lets S3 publish from this bucket.
func (f fakeS3) PutBucketNotificationConfiguration(_ context.Context, in *s3.PutBucketNotificationConfigurationInput, _ ...func(*s3.Options)) (*s3.PutBucketNotificationConfigurationOutput, error) {
	err := f.c.call("S3.PutBucketNotificationConfiguration", *in.Bucket)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	b, err := f.bucket(*in.Bucket)
	if err != nil {
		return nil, err
	}
	for _, tc := range in.NotificationConfiguration.TopicConfigurations {
		t := f.c.topics[aws.ToString(tc.TopicArn)]
		if t == nil || !hasStatement(t.attrs["Policy"], topicPublishStatement(aws.ToString(tc.TopicArn), "arn:aws:s3:::"+*in.Bucket, f.c.account)) {
			return nil, apiErr("InvalidArgument", "Unable to validate the following destination configurations")
		}
	}
	b.notif = *in.NotificationConfiguration
	return &s3.PutBucketNotificationConfigurationOutput{}, nil
}

func (f fakeS3) ListObjectVersions(_ context.Context, in *s3.ListObjectVersionsInput, _ ...func(*s3.Options)) (*s3.ListObjectVersionsOutput, error) {
	err := f.c.call("S3.ListObjectVersions", *in.Bucket)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	b, err := f.bucket(*in.Bucket)
	if err != nil {
		return nil, err
	}
	// Pages of at most 1000 (or MaxKeys) in (key, version) order; the
	// markers name the last entry returned, as S3's do.
	slices.SortFunc(b.versions, func(x, y fakeVersion) int {
		return cmp.Or(cmp.Compare(x.key, y.key), cmp.Compare(x.id, y.id))
	})
	start := 0
	if in.KeyMarker != nil {
		mk, mv := *in.KeyMarker, aws.ToString(in.VersionIdMarker)
		start = slices.IndexFunc(b.versions, func(v fakeVersion) bool { return v.key > mk || (v.key == mk && v.id > mv) })
		if start < 0 {
			start = len(b.versions)
		}
	}
	limit := 1000
	if in.MaxKeys != nil {
		limit = int(*in.MaxKeys)
	}
	out := &s3.ListObjectVersionsOutput{}
	end := min(start+limit, len(b.versions))
	for _, v := range b.versions[start:end] {
		if v.marker {
			out.DeleteMarkers = append(out.DeleteMarkers, s3types.DeleteMarkerEntry{Key: aws.String(v.key), VersionId: aws.String(v.id)})
		} else {
			out.Versions = append(out.Versions, s3types.ObjectVersion{Key: aws.String(v.key), VersionId: aws.String(v.id)})
		}
	}
	if end < len(b.versions) {
		last := b.versions[end-1]
		out.IsTruncated = aws.Bool(true)
		out.NextKeyMarker, out.NextVersionIdMarker = aws.String(last.key), aws.String(last.id)
	}
	return out, nil
}

func (f fakeS3) DeleteObjects(_ context.Context, in *s3.DeleteObjectsInput, _ ...func(*s3.Options)) (*s3.DeleteObjectsOutput, error) {
	err := f.c.call("S3.DeleteObjects", fmt.Sprintf("%s %d", *in.Bucket, len(in.Delete.Objects)))
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	b, err := f.bucket(*in.Bucket)
	if err != nil {
		return nil, err
	}
	if len(in.Delete.Objects) > maxDeleteObjects {
		return nil, apiErr("MalformedXML", "more than 1000 keys")
	}
	gone := map[[2]string]bool{}
	for _, o := range in.Delete.Objects {
		gone[[2]string{*o.Key, aws.ToString(o.VersionId)}] = true
	}
	var keep []fakeVersion
	for _, v := range b.versions {
		if !gone[[2]string{v.key, v.id}] {
			keep = append(keep, v)
		}
	}
	b.versions = keep
	return &s3.DeleteObjectsOutput{}, nil
}

func (f fakeS3) ListMultipartUploads(_ context.Context, in *s3.ListMultipartUploadsInput, _ ...func(*s3.Options)) (*s3.ListMultipartUploadsOutput, error) {
	err := f.c.call("S3.ListMultipartUploads", *in.Bucket)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	b, err := f.bucket(*in.Bucket)
	if err != nil {
		return nil, err
	}
	out := &s3.ListMultipartUploadsOutput{}
	for _, k := range b.uploads {
		out.Uploads = append(out.Uploads, s3types.MultipartUpload{Key: aws.String(k), UploadId: aws.String("u-" + k)})
	}
	return out, nil
}

func (f fakeS3) AbortMultipartUpload(_ context.Context, in *s3.AbortMultipartUploadInput, _ ...func(*s3.Options)) (*s3.AbortMultipartUploadOutput, error) {
	err := f.c.call("S3.AbortMultipartUpload", *in.Bucket+" "+*in.Key)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	b, err := f.bucket(*in.Bucket)
	if err != nil {
		return nil, err
	}
	for i, k := range b.uploads {
		if k == *in.Key && "u-"+k == *in.UploadId {
			b.uploads = append(b.uploads[:i], b.uploads[i+1:]...)
			return &s3.AbortMultipartUploadOutput{}, nil
		}
	}
	return nil, apiErr("NoSuchUpload", "The specified upload does not exist")
}
