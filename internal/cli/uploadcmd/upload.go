// Package uploadcmd implements `edasctl upload`: put files, directories or
// standard input into the pipeline's input prefix, with live progress, and
// optionally wait for the consumers' results and measure the pipeline's
// latency.
package uploadcmd

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/spf13/cobra"

	"github.com/edasctl/edasctl/internal/awsenv"
	"github.com/edasctl/edasctl/internal/cli/cmdutil"
	"github.com/edasctl/edasctl/internal/cli/stack"
	"github.com/edasctl/edasctl/internal/iostreams"
)

// Deps are what the command takes from the root.
type Deps struct {
	IO    *iostreams.Streams
	JSON  func() bool
	CI    bool
	Stack func(context.Context) (*stack.Stack, error)
}

// Options are the inputs of one `edasctl upload`.
type Options struct {
	IO    *iostreams.Streams
	JSON  bool
	CI    bool
	Stack func(context.Context) (*stack.Stack, error)
	Now   func() time.Time

	Args        []string // FILE, DIR or "-"
	Key         string   // --key
	Prefix      string   // --prefix
	Recursive   bool     // --recursive
	Concurrency int      // --concurrency
	PartSize    int64    // --part-size
	Wait        bool     // --wait
	// Timeout bounds each file's wait; zero means the target's default
	// (defaultTimeoutAWS or defaultTimeoutLocal).
	Timeout time.Duration

	// s3Client builds the S3 client; nil means the SDK's, path-style on a
	// custom endpoint (awsenv.S3Options). Tests wrap it.
	s3Client func(aws.Config) s3API
}

// Defaults of the flags.
const (
	defaultConcurrency = 5
	defaultPartSize    = 8 << 20
	// maxWaits bounds the files whose outputs are polled at once.
	maxWaits = 32
)

// NewCmd returns the `upload` command. runF replaces run in tests.
func NewCmd(d Deps, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: d.IO, CI: d.CI, Stack: d.Stack, Now: time.Now}
	partSize := byteSize(defaultPartSize)
	cmd := &cobra.Command{
		Use:   "upload FILE|DIR|- ...",
		Short: "Upload files into the pipeline's input prefix",
		Long: `Upload files into the pipeline's input prefix, where each becomes the object
<inputPrefix>[<prefix>/]<name>: a file's base name, or its path relative to a
directory given with --recursive ("/" separators on every OS), or --key for a
single file or for standard input (-).

Every argument is checked before anything is sent: a missing or unreadable
file stops the command with nothing uploaded. A directory walk takes every
file, hidden ones included, but the operating systems' clutter (.DS_Store,
._*, Thumbs.db, desktop.ini, .Spotlight-V100, .Trashes, …). It follows a
symbolic link to a file inside the directory and skips, with a note, links to
directories, links leaving the directory, sockets, pipes and devices.

The content type comes from the name's extension, else from the first 512
bytes. Files of --part-size and more go as multipart uploads, --concurrency
parts at a time; at most --concurrency requests are in flight in all. An
upload that fails or is interrupted is aborted: no partial object and no
orphaned parts are left.

With --wait, each upload's catalog entry is awaited (and, for an image a
thumbnail consumer receives, its thumbnail), and the result is shown with the
pipeline's latency: from the S3 event to the catalog entry, and the wall time
from the start of the upload.

Each finished file is a line on stdout, a JSON object with -o json; on a
terminal, progress bars are drawn on stderr.`,
		Example: `  edasctl upload cat.jpg --wait
  edasctl upload photos/ --recursive --prefix 2024/trip
  curl -s https://example.com/a.png | edasctl upload - --key a.png
  edasctl upload big.tiff --concurrency 8 -o json`,
		Args: cobra.ArbitraryArgs, // collect explains what is missing, as a FlagError
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.JSON = d.JSON()
			opts.Args = args
			opts.PartSize = int64(partSize)
			if cmd.Flags().Changed("timeout") && !opts.Wait {
				return cmdutil.FlagErrorf("--timeout applies to --wait")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&opts.Recursive, "recursive", "r", false, "upload the files below each DIR")
	f.StringVar(&opts.Key, "key", "", "object name below the input prefix, for a single FILE or -")
	f.StringVar(&opts.Prefix, "prefix", "", "sub-prefix below the input prefix, e.g. 2024/trip")
	f.IntVar(&opts.Concurrency, "concurrency", defaultConcurrency, "requests in flight at most (files, or parts of a large file)")
	f.Var(&partSize, "part-size", "multipart part size, and the size from which uploads go multipart (5MiB–5GiB)")
	f.BoolVar(&opts.Wait, "wait", false, "wait for each upload's catalog entry (and thumbnail) and show the result and latency")
	f.DurationVar(&opts.Timeout, "timeout", 0, "how long --wait waits for each file (default 2m on AWS, 30s on the local AWS)")
	return cmd
}

// validate checks the flags that need no file system or AWS.
func (o *Options) validate() error {
	switch {
	case o.Concurrency < 1:
		return cmdutil.FlagErrorf("invalid --concurrency %d: want 1 or more", o.Concurrency)
	case o.PartSize < minPartSize || o.PartSize > maxPartSize:
		return cmdutil.FlagErrorf("invalid --part-size %s: S3 parts are 5MiB–5GiB", humanBytes(o.PartSize))
	case o.Timeout < 0:
		return cmdutil.FlagErrorf("invalid --timeout %s: want a positive duration", o.Timeout)
	}
	return nil
}

// run uploads opts.Args. Every input is checked, then the stack's bucket,
// before the first byte is sent.
func run(ctx context.Context, opts *Options) error {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if err := opts.validate(); err != nil {
		return err
	}
	srcs, notes, err := collect(opts.Args, collectOptions{Key: opts.Key, Recursive: opts.Recursive})
	if err != nil {
		return err
	}
	st, err := opts.Stack(ctx)
	if err != nil {
		return err
	}
	j, err := newJob(opts, st, srcs)
	if err != nil {
		return err
	}
	if err := checkDeployed(ctx, j.api, st.Config.Stack, j.bucket); err != nil {
		return err
	}
	for _, n := range notes {
		fmt.Fprintf(opts.IO.ErrOut, "note: %s\n", n)
	}
	if len(srcs) == 0 {
		fmt.Fprintln(opts.IO.ErrOut, "nothing to upload")
		return nil
	}
	sum := j.run(ctx)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if !opts.JSON {
		fmt.Fprintln(opts.IO.ErrOut, sum.String())
	}
	return sum.err(j.waiter)
}

// newS3 is the S3 client for cfg.
func (o *Options) newS3(cfg aws.Config) s3API {
	if o.s3Client != nil {
		return o.s3Client(cfg)
	}
	return s3.NewFromConfig(cfg, awsenv.S3Options(cfg))
}
