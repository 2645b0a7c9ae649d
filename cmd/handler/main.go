// Command handler is the Lambda bootstrap of every edas consumer: it reads
// the environment (see package internal/handler), builds the S3 client from
// the default AWS configuration and serves SQS batches with lambda.Start.
// Build it with -tags lambda.norpc for the provided.al2023 runtime.
package main

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/edasctl/edasctl/internal/handler"
)

func main() {
	h, err := newHandler(context.Background())
	if err != nil {
		// Exiting at init makes Lambda report Runtime.ExitError with this
		// line in the function's log.
		fmt.Fprintln(os.Stderr, "edas handler:", err)
		os.Exit(1)
	}
	limitMemory()
	lambda.Start(h.Handle)
}

func newHandler(ctx context.Context) (*handler.Handler, error) {
	cfg, err := handler.ConfigFromEnv(os.Getenv)
	if err != nil {
		return nil, err
	}
	// LoadDefaultConfig resolves AWS_ENDPOINT_URL (and AWS_ENDPOINT_URL_S3)
	// into the client's BaseEndpoint.
	awsCfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("load aws config: %w", err)
	}
	client := s3.NewFromConfig(awsCfg, func(o *s3.Options) {
		// A custom endpoint (the local AWS) serves buckets by path, not by
		// virtual host.
		if o.BaseEndpoint != nil {
			o.UsePathStyle = true
		}
		// Objects uploaded without a checksum would otherwise log a line
		// per GetObject; the function's output is one JSON line a record.
		o.DisableLogOutputChecksumValidationSkipped = true
	})
	return handler.New(handler.Options{Config: cfg, S3: client})
}

// limitMemory sets the Go heap's soft limit to 90% of the function's memory,
// unless GOMEMLIMIT is set, so that the collector works harder before Lambda
// kills the instance for running out of memory.
func limitMemory() {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	mb, err := strconv.ParseInt(os.Getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"), 10, 64)
	if err != nil || mb <= 0 {
		return
	}
	debug.SetMemoryLimit(mb << 20 / 10 * 9)
}
