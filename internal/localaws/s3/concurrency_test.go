package s3

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func TestConcurrentWritersReadersAndDeletersOfOneKey(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, harnessConfig{dataDir: t.TempDir()})
	h.createBucket("race")
	bodies := make([][]byte, 4)
	for i := range bodies {
		// Each body is one repeated byte, so a torn read is detectable;
		// two of them are large enough to live in their own files.
		bodies[i] = bytes.Repeat([]byte{byte('a' + i)}, 1000+i*packThreshold/2)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	wg.Add(1)
	go func() { // bucket configuration changes race the object writes
		defer wg.Done()
		for i := 0; i < 10; i++ {
			if _, err := h.client.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String("race"),
				Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("i"), Value: aws.String(fmt.Sprint(i))}}}}); err != nil {
				errs <- err
				return
			}
		}
	}()
	for w := 0; w < 4; w++ {
		wg.Add(3)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				if _, err := h.client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("race"), Key: aws.String("hot"), Body: bytes.NewReader(bodies[(w+i)%len(bodies)])}); err != nil {
					errs <- err
					return
				}
			}
		}(w)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				out, err := h.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("race"), Key: aws.String("hot")})
				if err != nil {
					continue // deleted at that moment
				}
				got, err := io.ReadAll(out.Body)
				out.Body.Close()
				if err != nil || len(got) == 0 || !bytes.Equal(got, bytes.Repeat(got[:1], len(got))) {
					errs <- fmt.Errorf("torn or failed read: %d bytes, %v", len(got), err)
					return
				}
			}
		}()
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				if _, err := h.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("race"), Key: aws.String("hot")}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestVirtualHostAddressing(t *testing.T) {
	h := newHarness(t, harnessConfig{})
	h.createBucket("vhost")
	h.put("vhost", "dir/key", []byte("by host"))
	req, _ := http.NewRequest(http.MethodGet, h.srv.URL+"/dir/key", nil)
	req.Host = "vhost.localhost"
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if body, _ := io.ReadAll(resp.Body); string(body) != "by host" {
		t.Errorf("GET via vhost.localhost = %d %q", resp.StatusCode, body)
	}
}
