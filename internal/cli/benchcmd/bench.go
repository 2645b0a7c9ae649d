// Package benchcmd implements `edasctl bench`: upload N objects into a
// deployed pipeline, wait for every catalog output, and report throughput,
// end-to-end latency, and lost, duplicated and mismatched results.
package benchcmd

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/spf13/cobra"

	"github.com/edasctl/edasctl/internal/awsenv"
	"github.com/edasctl/edasctl/internal/cli/cmdutil"
	"github.com/edasctl/edasctl/internal/cli/stack"
	"github.com/edasctl/edasctl/internal/iostreams"
)

// Defaults of the flags.
const (
	DefaultObjects      = 100
	DefaultSize         = 1 << 10
	DefaultConcurrency  = 8
	DefaultLocalTimeout = 2 * time.Minute
	DefaultAWSTimeout   = 10 * time.Minute
)

// Deps are what the command takes from the root.
type Deps struct {
	IO    *iostreams.Streams
	JSON  func() bool
	CI    bool
	Stack func(context.Context) (*stack.Stack, error)
}

// Options are the inputs of one `edasctl bench`.
type Options struct {
	IO    *iostreams.Streams
	JSON  bool
	CI    bool
	Stack func(context.Context) (*stack.Stack, error)

	Objects     int
	Size        int64
	Concurrency int
	// Timeout bounds the whole run, uploads included; 0 means
	// DefaultLocalTimeout on the local AWS and DefaultAWSTimeout on AWS.
	Timeout time.Duration
	// Keep leaves the run's objects in the bucket.
	Keep bool
	// PollInterval is how often the catalog is listed and the progress
	// redrawn; 0 means 200 ms on the local AWS and 1 s on AWS. It does not
	// change the figures (they come from the entries' timestamps), only
	// how soon the run notices the last output; listing much more often
	// costs the local AWS CPU that the pipeline under test needs.
	PollInterval time.Duration
	// SettleTimeout bounds the wait for the catalog function's log lines
	// after the last output (see countDuplicates); 0 means 5 s on the local
	// AWS and 30 s on AWS, where log ingestion lags by seconds.
	SettleTimeout time.Duration
}

// NewCmd returns the `bench` command. runF replaces run in tests.
func NewCmd(d Deps, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: d.IO, CI: d.CI, Stack: d.Stack, Objects: DefaultObjects, Size: DefaultSize, Concurrency: DefaultConcurrency}
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure the deployed pipeline: throughput, end-to-end latency, lost, duplicated and mismatched results",
		Long: `Upload N objects of random content under <inputPrefix>bench/<run-id>/, wait
for every catalog output, and report throughput (objects per second from the
first upload to the last output), end-to-end latency percentiles (each catalog
entry's processedTime − eventTime: from the S3 event to the handler's result),
PutObject latency, and the counts of lost results (no output by --timeout),
duplicated ones (an object the catalog function processed more than once,
counted from its log lines) and mismatched ones (an output whose size or
SHA-256 differs from the content uploaded).

The run's uploads and outputs are deleted afterwards unless --keep, or unless
results were lost or mismatched (they are kept for inspection). Exits non-zero
when any result is lost or mismatched. Needs a consumer with action catalog.`,
		Example: "  edasctl bench --local\n  edasctl bench --objects 1000 --size 1KiB --concurrency 8\n  edasctl bench --objects 50 --size 4MiB -o json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.JSON = d.JSON()
			if opts.Objects < 1 {
				return cmdutil.FlagErrorf("invalid value %d for --objects: at least 1", opts.Objects)
			}
			if opts.Concurrency < 1 {
				return cmdutil.FlagErrorf("invalid value %d for --concurrency: at least 1", opts.Concurrency)
			}
			if opts.Timeout < 0 {
				return cmdutil.FlagErrorf("invalid value %s for --timeout: must not be negative", opts.Timeout)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.IntVarP(&opts.Objects, "objects", "n", opts.Objects, "number of objects to upload")
	f.Var(sizeFlag{&opts.Size}, "size", "size of each object: bytes or a binary unit (1KiB, 256KiB, 4MiB)")
	f.IntVarP(&opts.Concurrency, "concurrency", "c", opts.Concurrency, "concurrent uploads")
	f.DurationVar(&opts.Timeout, "timeout", 0, "give up waiting for outputs after this (default 2m locally, 10m on AWS)")
	f.BoolVar(&opts.Keep, "keep", false, "keep the run's uploads and outputs in the bucket")
	return cmd
}

func run(ctx context.Context, opts *Options) error {
	st, err := opts.Stack(ctx)
	if err != nil {
		return err
	}
	consumer, err := catalogConsumer(st.Config)
	if err != nil {
		return err
	}
	id, err := newRunID(time.Now())
	if err != nil {
		return err
	}
	r := newRunner(opts, st, consumer, id, newS3Client(st.AWS), cloudwatchlogs.NewFromConfig(st.AWS))
	if err := r.checkBucket(ctx); err != nil {
		return err
	}
	rep, err := r.run(ctx)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	if err := write(opts, rep); err != nil {
		return err
	}
	if rep.Uploaded < rep.Objects {
		return fmt.Errorf("bench: only %d of %d objects uploaded within %s", rep.Uploaded, rep.Objects, r.timeout)
	}
	if rep.Lost > 0 {
		return cmdutil.WithHint(
			fmt.Errorf("bench: %d of %d results lost (no catalog output within %s)", rep.Lost, rep.Uploaded, r.timeout),
			fmt.Sprintf("the run's objects are kept under s3://%s/%s; see 'edasctl status' for queue and DLQ depths and 'edasctl tail --consumer %s' for errors", rep.Bucket, rep.Prefix, consumer.Name))
	}
	if rep.Mismatched > 0 {
		return cmdutil.WithHint(
			fmt.Errorf("bench: %d of %d results describe other content than was uploaded (size or SHA-256 differ)", rep.Mismatched, rep.Processed),
			fmt.Sprintf("the run's objects and outputs are kept under s3://%s/%s and the catalog/ prefix; compare them with 'edasctl tail --consumer %s'", rep.Bucket, rep.Prefix, consumer.Name))
	}
	return nil
}

// write prints rep to stdout: indented JSON with -o json, else the table.
func write(opts *Options, rep *Report) error {
	if opts.JSON {
		return cmdutil.WriteJSON(opts.IO.Out, rep)
	}
	return writeText(opts.IO.Out, rep)
}

// newRunID returns a run ID that sorts by start time and is unique per
// run: 20060102T150405-<6 random hex digits>.
func newRunID(now time.Time) (string, error) {
	var b [3]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("make a run id: %w", err)
	}
	return now.UTC().Format("20060102T150405") + "-" + hex.EncodeToString(b[:]), nil
}

// errNotDeployed is the cause when the stack's bucket does not exist.
var errNotDeployed = errors.New("not deployed")

// newS3Client returns the S3 client bench uploads and reads with: edasctl's
// (awsenv.S3Options), except that a request checksum is computed only where
// S3 requires one (DeleteObjects), not for every PutObject as the SDK does
// by default since S3 module v1.74.1
// (https://docs.aws.amazon.com/sdkref/latest/guide/feature-dataintegrity.html).
// bench verifies every upload end to end instead: the SHA-256 of the
// content it sent against the one in the object's catalog entry. The
// per-upload CRC32 would repeat that check at the cost of CPU that the
// pipeline being measured shares on a local run.
func newS3Client(cfg aws.Config) *s3.Client {
	return s3.NewFromConfig(cfg, awsenv.S3Options(cfg), func(o *s3.Options) {
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
	})
}
