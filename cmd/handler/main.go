// Command handler is the Lambda bootstrap of every edas consumer: it reads
// the environment (see package internal/handler), fits the Go runtime to a
// process that mostly waits on S3 (see tuneRuntime), builds the S3 client from
// the default AWS configuration and serves SQS batches with lambda.Start.
// Build it with -tags lambda.norpc for the provided.al2023 runtime.
package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/edasctl/edasctl/internal/handler"
)

func main() {
	tuneRuntime(os.Getenv)
	h, err := newHandler(context.Background())
	if err != nil {
		// Exiting at init makes Lambda report Runtime.ExitError with this
		// line in the function's log.
		fmt.Fprintln(os.Stderr, "edas handler:", err)
		os.Exit(1)
	}
	limitMemory()
	lambda.Start(h) // *handler.Handler is a lambda.Handler (Invoke)
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
	client := handler.NewS3Client(awsCfg)
	return handler.New(handler.Options{Config: cfg, S3: client})
}

// catalogGCPercent is the collector's GOGC for the catalog action.
const catalogGCPercent = 400

// tuneRuntime fits the Go runtime to a process that mostly waits on S3 and
// spends most of its CPU per S3 request (SDK middleware, HTTP,
// syscalls). Each setting is left alone when its environment variable
// (GOMAXPROCS, GOGC) is set, so a function can override it.
//
//   - GOMAXPROCS is 1. The handler never has two goroutines that could run
//     in parallel for long: even with a batch's records in flight together
//     (the catalog action), each waits on S3 between short bursts of work.
//     With a second P, every wake-up (a response arriving, the HTTP
//     transport's reader and writer goroutines handing off) also wakes an
//     idle thread that spins looking for work and goes back to sleep, which
//     cost about a sixth of the catalog handler's CPU in
//     BenchmarkHandleBatchOfTen (-cpu 1 against -cpu 2). Lambda gives a
//     function below 1,769 MB less than one vCPU's worth of CPU anyway
//     (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html).
//   - For the catalog action GOGC is [catalogGCPercent]. Its live heap is a
//     few MiB, so the collector at the default 100 runs every few dozen
//     records for little garbage each time; at 400 the heap goal stays
//     around 20 MiB, well inside the smallest function (128 MB), and the
//     memory limit set by limitMemory still bounds it. The thumbnail action
//     keeps the default: its live heap is a decoded image, and five times
//     that would crowd the memory limit.
func tuneRuntime(getenv func(string) string) {
	if getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(1)
	}
	if getenv("GOGC") == "" && getenv(handler.EnvAction) == handler.ActionCatalog {
		debug.SetGCPercent(catalogGCPercent)
	}
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
