package s3

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/edasctl/edasctl/internal/awsenv"
	"github.com/edasctl/edasctl/internal/gctune"
	"github.com/edasctl/edasctl/internal/localaws/clock"
	"github.com/edasctl/edasctl/internal/localaws/service"
	"github.com/edasctl/edasctl/internal/localaws/store"
	"github.com/edasctl/edasctl/internal/proccpu"
)

// benchClients is the number of concurrent clients of the benchmarks, the
// issue's "8 clients".
const benchClients = 8

// newBenchService starts the service on a disk store behind a real HTTP
// server and returns an SDK client configured as LoadDefaultConfig would
// (checksums on, the SDK's own HTTP transport).
func newBenchService(b *testing.B) *s3.Client {
	client, _ := newBenchServer(b)
	return client
}

// newDiskService returns the service on a disk store with the real clock,
// as edasctl local runs it.
func newDiskService(b *testing.B) *Service {
	b.Helper()
	dir := b.TempDir()
	st, err := store.Open(filepath.Join(dir, "db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	env := newHarnessEnv(b)
	env.Store, env.DataDir, env.Clock = st, dir, clock.Real{}
	svc, err := New(service.Env(env), Options{})
	if err != nil {
		b.Fatal(err)
	}
	return svc
}

// newBenchServer is newBenchService that also returns the server's URL.
// The process runs with edasctl's garbage collector settings (package
// gctune), as edasctl local does; the in-process clients share them.
// With EDAS_BENCH_ENDPOINT set (e.g. http://127.0.0.1:4599, an edasctl
// local started on a fresh data dir) the benchmarks measure that server
// instead of one in the test process, and cpu-µs/op is the clients' alone.
func newBenchServer(b *testing.B) (*s3.Client, string) {
	b.Helper()
	b.Cleanup(gctune.Apply())
	url := os.Getenv("EDAS_BENCH_ENDPOINT")
	if url == "" {
		srv := httptest.NewServer(newDiskService(b))
		b.Cleanup(srv.Close)
		url = srv.URL
	}
	client := s3.NewFromConfig(aws.Config{
		Region: "us-east-1", BaseEndpoint: aws.String(url),
		Credentials:                credentials.NewStaticCredentialsProvider("test", "test", ""),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenSupported,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenSupported,
	}, func(o *s3.Options) { o.UsePathStyle = true })
	_, err := client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String("bench")})
	if err != nil && !errors.As(err, new(*s3types.BucketAlreadyOwnedByYou)) {
		b.Fatal(err)
	}
	return client, url
}

// runParallel runs op from benchClients goroutines and reports ops/s.
func runParallel(b *testing.B, op func(i int64) error) {
	var n atomic.Int64
	b.SetParallelism((benchClients + 1) / max(1, testingProcs()))
	b.ResetTimer()
	start, cpuStart := time.Now(), proccpu.Used()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := op(n.Add(1)); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "ops/s")

	// CPU time per operation (server and SDK client together) is what the
	// throughput on an otherwise idle machine is bounded by:
	// GOMAXPROCS / cpu-µs/op.
	b.ReportMetric(proccpu.MicrosPerOp(cpuStart, b.N), "cpu-µs/op")
}

func BenchmarkPutObject1KiB(b *testing.B) {
	putObjects1KiB(b, newBenchService(b))
}

// BenchmarkPutObject1KiBEdasClient is BenchmarkPutObject1KiB with the S3
// client configured as edasctl's own commands configure theirs
// (awsenv.S3Options: path-style addressing resolved without the S3 rule
// set, and a small body sent in the same write as the request's headers).
// It is the same aws-sdk-go-v2 client otherwise, checksums included.
func BenchmarkPutObject1KiBEdasClient(b *testing.B) {
	client := newBenchService(b)
	putObjects1KiB(b, s3.New(client.Options(), awsenv.S3Options(aws.Config{BaseEndpoint: client.Options().BaseEndpoint})))
}

// putObjects1KiB puts b.N objects of 1 KiB with client, benchClients at a
// time.
func putObjects1KiB(b *testing.B, client *s3.Client) {
	body := bytes.Repeat([]byte("x"), 1024)
	runParallel(b, func(i int64) error {
		_, err := client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("bench"),
			Key: aws.String(fmt.Sprintf("objects/%08d", i)), Body: bytes.NewReader(body)})
		return err
	})
}

func BenchmarkGetObject1KiB(b *testing.B) {
	client := newBenchService(b)
	body := bytes.Repeat([]byte("x"), 1024)
	const keys = 1000
	for i := 0; i < keys; i++ {
		if _, err := client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("bench"),
			Key: aws.String(fmt.Sprintf("objects/%04d", i)), Body: bytes.NewReader(body)}); err != nil {
			b.Fatal(err)
		}
	}
	runParallel(b, func(i int64) error {
		out, err := client.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String("bench"),
			Key: aws.String(fmt.Sprintf("objects/%04d", i%keys))})
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, out.Body)
		out.Body.Close()
		return err
	})
}

// BenchmarkPutObject1KiBRawHTTP measures the server alone: a bare net/http
// client sends what the SDK would (a CRC32 checksum header) without the
// SDK's own CPU cost.
func BenchmarkPutObject1KiBRawHTTP(b *testing.B) {
	_, url := newBenchServer(b)
	body := bytes.Repeat([]byte("x"), 1024)
	sum := checksumOf(algCRC32, body)
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: benchClients}}
	runParallel(b, func(i int64) error {
		req, err := http.NewRequest(http.MethodPut, fmt.Sprintf("%s/bench/objects/%08d", url, i), bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("X-Amz-Checksum-Crc32", sum)
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("PUT: status %d", resp.StatusCode)
		}
		return nil
	})
}
