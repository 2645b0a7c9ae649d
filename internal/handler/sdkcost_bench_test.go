//go:build unix

package handler_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/edasctl/edasctl/internal/handler"
	"github.com/edasctl/edasctl/internal/proccpu"
)

// BenchmarkS3CallCost measures what one S3 call of the function costs the
// process, client and a trivial in-process server together: a PutObject and
// a GetObject of 1 KiB per op, through the function's S3 client
// ([handler.NewS3Client]) and through a bare net/http client sending the
// same requests. The difference is the SDK's own work per call (middleware,
// signing, endpoint rules). Run it as the function runs, on one processor:
//
//	go test ./internal/handler -run '^$' -bench S3CallCost -benchtime 4000x -count 3 -cpu 1
func BenchmarkS3CallCost(b *testing.B) {
	body := bytes.Repeat([]byte("x"), 1024)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("ETag", `"0f343b0931126a20f133d67c2b018a3b"`)
		if r.Method == http.MethodGet {
			w.Write(body)
		}
	}))
	b.Cleanup(srv.Close)
	client := handler.NewS3Client(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	sdkCall := func() error {
		ctx := context.Background()
		if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bench"),
			Key: aws.String("catalog/a.json"), Body: bytes.NewReader(body)}); err != nil {
			return err
		}
		out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bench"), Key: aws.String("uploads/a")})
		if err != nil {
			return err
		}
		defer out.Body.Close()
		_, err = io.Copy(io.Discard, out.Body)
		return err
	}
	hc := &http.Client{}
	do := func(req *http.Request, err error) error {
		if err != nil {
			return err
		}
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		_, err = io.Copy(io.Discard, resp.Body)
		return err
	}
	netHTTPCall := func() error {
		if err := do(http.NewRequest(http.MethodPut, srv.URL+"/bench/catalog/a.json", bytes.NewReader(body))); err != nil {
			return err
		}
		return do(http.NewRequest(http.MethodGet, srv.URL+"/bench/uploads/a", nil))
	}
	for _, c := range []struct {
		name string
		call func() error
	}{{"sdk", sdkCall}, {"net-http", netHTTPCall}} {
		b.Run(c.name, func(b *testing.B) {
			start := proccpu.Used()
			for b.Loop() {
				if err := c.call(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(proccpu.MicrosPerOp(start, 2*b.N), "cpu-µs/call")
		})
	}
}
