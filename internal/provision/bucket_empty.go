package provision

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// maxDeleteObjects is the most keys one DeleteObjects call takes (S12).
const maxDeleteObjects = 1000

// emptyBucket deletes every object version and delete marker of the bucket
// (ListObjectVersions pages, DeleteObjects in batches of at most 1,000)
// and aborts every unfinished multipart upload, so that DeleteBucket can
// succeed (AWS-RULES S12; on an unversioned bucket each object is listed
// as one version with the ID "null").
func emptyBucket(ctx context.Context, api S3API, bucket string) error {
	var batch []s3types.ObjectIdentifier
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		out, err := api.DeleteObjects(ctx, &s3.DeleteObjectsInput{
			Bucket: &bucket,
			Delete: &s3types.Delete{Objects: batch, Quiet: aws.Bool(true)},
		})
		batch = batch[:0]
		if err != nil {
			return fmt.Errorf("delete objects in bucket %s: %w", bucket, err)
		}
		if len(out.Errors) > 0 {
			e := out.Errors[0]
			return fmt.Errorf("delete objects in bucket %s: %d failed, first %s: %s %s",
				bucket, len(out.Errors), aws.ToString(e.Key), aws.ToString(e.Code), aws.ToString(e.Message))
		}
		return nil
	}
	in := &s3.ListObjectVersionsInput{Bucket: &bucket}
	for {
		out, err := api.ListObjectVersions(ctx, in)
		if err != nil {
			return fmt.Errorf("list object versions in bucket %s: %w", bucket, err)
		}
		for _, v := range out.Versions {
			batch = append(batch, s3types.ObjectIdentifier{Key: v.Key, VersionId: v.VersionId})
			if len(batch) == maxDeleteObjects {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		for _, m := range out.DeleteMarkers {
			batch = append(batch, s3types.ObjectIdentifier{Key: m.Key, VersionId: m.VersionId})
			if len(batch) == maxDeleteObjects {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if !aws.ToBool(out.IsTruncated) {
			break
		}
		in = &s3.ListObjectVersionsInput{Bucket: &bucket, KeyMarker: out.NextKeyMarker, VersionIdMarker: out.NextVersionIdMarker}
	}
	if err := flush(); err != nil {
		return err
	}
	return abortUploads(ctx, api, bucket)
}

// abortUploads aborts every unfinished multipart upload in the bucket.
func abortUploads(ctx context.Context, api S3API, bucket string) error {
	in := &s3.ListMultipartUploadsInput{Bucket: &bucket}
	for {
		out, err := api.ListMultipartUploads(ctx, in)
		if err != nil {
			return fmt.Errorf("list multipart uploads in bucket %s: %w", bucket, err)
		}
		for _, u := range out.Uploads {
			_, err := api.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: &bucket, Key: u.Key, UploadId: u.UploadId})
			if err != nil && !hasCode(err, "NoSuchUpload") {
				return fmt.Errorf("abort upload of %s in bucket %s: %w", aws.ToString(u.Key), bucket, err)
			}
		}
		if !aws.ToBool(out.IsTruncated) {
			return nil
		}
		in = &s3.ListMultipartUploadsInput{Bucket: &bucket, KeyMarker: out.NextKeyMarker, UploadIdMarker: out.NextUploadIdMarker}
	}
}

// BucketHasObjects reports whether the bucket holds any object version,
// delete marker or unfinished upload; the CLI asks before emptying such a
// bucket. A missing bucket holds nothing.
func (p *Plan) BucketHasObjects(ctx context.Context) (bool, error) {
	api := p.clients.S3
	out, err := api.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: &p.bucket, MaxKeys: aws.Int32(1)})
	if bucketMissing(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("list object versions in bucket %s: %w", p.bucket, err)
	}
	if len(out.Versions) > 0 || len(out.DeleteMarkers) > 0 {
		return true, nil
	}
	up, err := api.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: &p.bucket, MaxUploads: aws.Int32(1)})
	if err != nil {
		return false, fmt.Errorf("list multipart uploads in bucket %s: %w", p.bucket, err)
	}
	return len(up.Uploads) > 0, nil
}
