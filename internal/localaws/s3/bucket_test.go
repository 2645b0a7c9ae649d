package s3

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func TestBucketLifecycle(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, harnessConfig{})
	h.createBucket("alpha")
	h.createBucket("beta")

	head, err := h.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("alpha")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(head.BucketRegion) != "us-east-1" {
		t.Errorf("HeadBucket region = %q, want us-east-1", aws.ToString(head.BucketRegion))
	}
	list, err := h.client.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Buckets) != 2 || aws.ToString(list.Buckets[0].Name) != "alpha" || aws.ToString(list.Buckets[1].Name) != "beta" {
		t.Fatalf("ListBuckets = %+v, want alpha and beta", list.Buckets)
	}
	loc, err := h.client.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("alpha")})
	if err != nil {
		t.Fatal(err)
	}
	if loc.LocationConstraint != "" {
		t.Errorf("GetBucketLocation = %q, want empty for us-east-1", loc.LocationConstraint)
	}
	if _, err := h.client.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("alpha")}); err != nil {
		t.Fatal(err)
	}
	_, err = h.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("alpha")})
	var nf *types.NotFound
	if !errors.As(err, &nf) {
		t.Fatalf("HeadBucket after delete: %v, want *types.NotFound", err)
	}
	// DeleteBucket models no typed errors; the code is what callers match.
	_, err = h.client.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("alpha")})
	wantCode(t, err, "NoSuchBucket")
}

func TestCreateBucketTwice(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, harnessConfig{})
	h.createBucket("mine")
	t.Run("succeeds again in us-east-1", func(t *testing.T) {
		if _, err := h.client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("mine")}); err != nil {
			t.Fatalf("second CreateBucket in us-east-1: %v, want success", err)
		}
	})
	t.Run("is BucketAlreadyOwnedByYou in another region", func(t *testing.T) {
		eu := h.newClient("eu-west-1")
		in := &s3.CreateBucketInput{Bucket: aws.String("theirs"), CreateBucketConfiguration: &types.CreateBucketConfiguration{
			LocationConstraint: types.BucketLocationConstraintEuWest1}}
		if _, err := eu.CreateBucket(ctx, in); err != nil {
			t.Fatal(err)
		}
		_, err := eu.CreateBucket(ctx, in)
		var owned *types.BucketAlreadyOwnedByYou
		if !errors.As(err, &owned) {
			t.Fatalf("second CreateBucket in eu-west-1: %v, want *types.BucketAlreadyOwnedByYou", err)
		}
		loc, err := eu.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("theirs")})
		if err != nil || loc.LocationConstraint != types.BucketLocationConstraintEuWest1 {
			t.Fatalf("GetBucketLocation = %v, %v; want eu-west-1", loc, err)
		}
	})
	t.Run("needs a location constraint outside us-east-1", func(t *testing.T) {
		_, err := h.newClient("eu-west-1").CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("nowhere")})
		wantCode(t, err, "IllegalLocationConstraintException")
	})
}

func TestCreateBucketRejectsInvalidNames(t *testing.T) {
	h := newHarness(t, harnessConfig{})
	for name, bucket := range map[string]string{
		"too short":           "ab",
		"too long":            "a123456789012345678901234567890123456789012345678901234567890123",
		"upper case":          "MyBucket",
		"underscore":          "my_bucket",
		"starts with a dash":  "-bucket",
		"ends with a dot":     "bucket.",
		"two adjacent dots":   "my..bucket",
		"shaped like an IP":   "192.168.1.1",
		"xn-- prefix":         "xn--bucket",
		"sthree- prefix":      "sthree-bucket",
		"-s3alias suffix":     "bucket-s3alias",
		"--ol-s3 suffix":      "bucket--ol-s3",
		"amzn-s3-demo-prefix": "amzn-s3-demo-bucket",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := h.client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(bucket)})
			wantCode(t, err, "InvalidBucketName")
		})
	}
}

func TestDeleteBucketRefusesWhileAnythingRemains(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, harnessConfig{})
	tryDelete := func() error {
		_, err := h.client.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("full")})
		return err
	}
	h.createBucket("full")
	h.put("full", "k", []byte("v"))
	wantCode(t, tryDelete(), "BucketNotEmpty")

	// Versioned: a delete marker and an old version still count.
	if _, err := h.client.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("full"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("full"), Key: aws.String("k")}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, tryDelete(), "BucketNotEmpty")
	versions, err := h.client.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String("full")})
	if err != nil {
		t.Fatal(err)
	}
	var ids []types.ObjectIdentifier
	for _, v := range versions.Versions {
		ids = append(ids, types.ObjectIdentifier{Key: v.Key, VersionId: v.VersionId})
	}
	for _, m := range versions.DeleteMarkers {
		ids = append(ids, types.ObjectIdentifier{Key: m.Key, VersionId: m.VersionId})
	}
	if len(ids) != 2 {
		t.Fatalf("versions = %d, want the null version and a delete marker", len(ids))
	}
	if _, err := h.client.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("full"), Delete: &types.Delete{Objects: ids}}); err != nil {
		t.Fatal(err)
	}

	// A multipart upload in progress counts too.
	up, err := h.client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("full"), Key: aws.String("mpu")})
	if err != nil {
		t.Fatal(err)
	}
	wantCode(t, tryDelete(), "BucketNotEmpty")
	if _, err := h.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String("full"), Key: aws.String("mpu"), UploadId: up.UploadId}); err != nil {
		t.Fatal(err)
	}
	if err := tryDelete(); err != nil {
		t.Fatalf("DeleteBucket of an emptied bucket: %v", err)
	}
}

func TestOperationsOnMissingBucketAreNoSuchBucket(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, harnessConfig{})
	var nsb *types.NoSuchBucket
	_, err := h.client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("ghost")})
	if !errors.As(err, &nsb) {
		t.Errorf("ListObjectsV2: %v, want *types.NoSuchBucket", err)
	}
	_, err = h.client.ListObjects(ctx, &s3.ListObjectsInput{Bucket: aws.String("ghost")})
	if !errors.As(err, &nsb) {
		t.Errorf("ListObjects: %v, want *types.NoSuchBucket", err)
	}
	// PutObject and GetObject model no NoSuchBucket type; the code is there.
	_, err = h.client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("ghost"), Key: aws.String("k")})
	wantCode(t, err, "NoSuchBucket")
	_, err = h.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("ghost"), Key: aws.String("k")})
	wantCode(t, err, "NoSuchBucket")
}
