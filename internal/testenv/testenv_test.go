package testenv

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

func TestDeployedPipelineCatalogsAnUpload(t *testing.T) {
	e := New(t)
	e.Deploy(t)
	ctx := context.Background()
	if _, err := e.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(e.Bucket()), Key: aws.String("uploads/a.txt"), Body: bytes.NewReader([]byte("hi"))}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, err := e.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(e.Bucket()), Key: aws.String("catalog/a.txt.json")})
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("catalog/a.txt.json did not appear: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
