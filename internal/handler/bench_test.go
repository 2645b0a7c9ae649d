//go:build unix

package handler_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/edasctl/edasctl/internal/handler"
	"github.com/edasctl/edasctl/internal/proccpu"
	"github.com/edasctl/edasctl/internal/testenv"
)

// BenchmarkHandleBatchOfTen runs the catalog action of the production
// handler (the S3 client of [handler.NewS3Client] from the default AWS
// configuration, the default logger writing to stdout), from the
// invocation's JSON payload (Invoke) to its response, on SQS batches of ten
// SNS-wrapped S3 events, each naming a 1 KiB object in a local AWS. One op
// is one batch. cpu-µs/record is the whole process's CPU time per record:
// with the local AWS started in-process (the default) it includes the
// server's share (use -cpuprofile to tell them apart); with
// EDAS_BENCH_ENDPOINT naming a local AWS in another process (edasctl local
// --addr 127.0.0.1:4599) it is the handler's alone. The deployed process
// runs as with -cpu 1 and, for the catalog action, GOGC=400 (see
// cmd/handler's tuneRuntime).
//
//	go test ./internal/handler -run '^$' -bench HandleBatchOfTen -benchtime 300x -count 5
//	EDAS_BENCH_ENDPOINT=http://127.0.0.1:4599 GOGC=400 go test ./internal/handler -run '^$' -bench HandleBatchOfTen -benchtime 300x -count 8 -cpu 1
func BenchmarkHandleBatchOfTen(b *testing.B) {
	const batch = 10
	endpoint, bucket, s3c := benchS3(b)
	ctx := context.Background()
	template := snsTemplate(b)
	ev := events.SQSEvent{}
	for i := range batch {
		key := fmt.Sprintf("uploads/bench %d.bin", i)
		put, err := s3c.PutObject(ctx, &s3.PutObjectInput{
			Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(bytes.Repeat([]byte{byte('a' + i)}, 1024)),
		})
		if err != nil {
			b.Fatal(err)
		}
		ev.Records = append(ev.Records, events.SQSMessage{
			MessageId: fmt.Sprintf("m%d", i), EventSource: "aws:sqs",
			Body: template(bucket, strings.ReplaceAll(key, " ", "+"), strings.Trim(aws.ToString(put.ETag), `"`)),
		})
	}

	// The function's configuration, as Lambda gives it.
	b.Setenv("AWS_ENDPOINT_URL", endpoint)
	b.Setenv("AWS_REGION", "us-east-1")
	b.Setenv("AWS_ACCESS_KEY_ID", "test")
	b.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	awsCfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		b.Fatal(err)
	}
	h := newStdoutHandler(b, handler.Options{
		Config: handler.Config{Action: handler.ActionCatalog, InputPrefix: handler.DefaultInputPrefix},
		S3:     handler.NewS3Client(awsCfg),
	})

	payload, err := json.Marshal(ev) // as Lambda sends it
	if err != nil {
		b.Fatal(err)
	}
	run := func() {
		out, err := h.Invoke(ctx, payload)
		if err != nil || string(out) != `{"batchItemFailures":[]}` {
			b.Fatalf("Invoke = %s, %v; want no failures", out, err)
		}
	}
	run() // warm the connections
	b.ReportAllocs()
	before := proccpu.Used()
	b.ResetTimer()
	for b.Loop() {
		run()
	}
	b.StopTimer()
	b.ReportMetric(proccpu.MicrosPerOp(before, b.N*batch), "cpu-µs/record")
}

// benchS3 returns the endpoint of a local AWS, a new bucket in it and a
// client for setting up: the local AWS at EDAS_BENCH_ENDPOINT if set, else
// one started in-process.
func benchS3(b *testing.B) (endpoint, bucket string, client *s3.Client) {
	b.Helper()
	ctx := context.Background()
	if endpoint = os.Getenv("EDAS_BENCH_ENDPOINT"); endpoint == "" {
		e := testenv.New(b)
		endpoint, bucket, client = e.URL, e.Bucket(), e.S3
	} else {
		testenv.Isolate(b)
		cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(endpoint),
			Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
		client = s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
		bucket = fmt.Sprintf("edas-bench-%d", time.Now().UnixNano())
	}
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		b.Fatal(err)
	}
	return endpoint, bucket, client
}

// newStdoutHandler returns handler.New(o) with its default logger, whose
// stdout is /dev/null.
func newStdoutHandler(b *testing.B, o handler.Options) *handler.Handler {
	b.Helper()
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { null.Close() })
	stdout := os.Stdout
	os.Stdout = null
	defer func() { os.Stdout = stdout }()
	h, err := handler.New(o)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(h.Close)
	return h
}

// snsTemplate returns a function that renders testdata/sns-put.json for
// another bucket, encoded key and ETag.
func snsTemplate(b *testing.B) func(bucket, encodedKey, etag string) string {
	b.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "sns-put.json"))
	if err != nil {
		b.Fatal(err)
	}
	var env map[string]any
	if err := json.Unmarshal(data, &env); err != nil {
		b.Fatal(err)
	}
	message := env["Message"].(string)
	return func(bucket, encodedKey, etag string) string {
		m := strings.NewReplacer(
			"edas-000000000000-us-east-1", bucket,
			"uploads/cat+photo.jpg", encodedKey,
			"0123456789abcdef0123456789abcdef", etag,
		).Replace(message)
		env["Message"] = m
		out, err := json.Marshal(env)
		if err != nil {
			b.Fatal(err)
		}
		return string(out)
	}
}
