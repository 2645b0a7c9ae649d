package benchcmd

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func TestUploadsCarryNoChecksumButDeletesDoAsS3Requires(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]http.Header{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		seen[r.Method] = r.Header.Clone()
		mu.Unlock()
		if r.Method == http.MethodPost {
			w.Write([]byte(`<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></DeleteResult>`))
		}
	}))
	t.Cleanup(srv.Close)
	// The configuration as config.LoadDefaultConfig makes it, with the
	// SDK's default of a checksum on every request that supports one.
	client := newS3Client(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials:                credentials.NewStaticCredentialsProvider("test", "test", ""),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenSupported})
	ctx := context.Background()
	if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("b"), Key: aws.String("k"), Body: bytes.NewReader([]byte("x"))}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("b"),
		Delete: &types.Delete{Objects: []types.ObjectIdentifier{{Key: aws.String("k")}}}}); err != nil {
		t.Fatal(err)
	}
	hasChecksum := func(h http.Header) bool {
		for name := range h {
			if len(name) > 15 && http.CanonicalHeaderKey(name)[:15] == "X-Amz-Checksum-" || name == "Content-Md5" {
				return true
			}
		}
		return false
	}
	if put := seen[http.MethodPut]; put == nil || hasChecksum(put) {
		t.Errorf("PutObject headers %v: want no checksum (bench checks each upload's SHA-256 end to end)", put)
	}
	if del := seen[http.MethodPost]; del == nil || !hasChecksum(del) {
		t.Errorf("DeleteObjects headers %v: want the checksum S3 requires", del)
	}
}
