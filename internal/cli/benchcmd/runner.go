package benchcmd

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/edasctl/edasctl/internal/cli/cmdutil"
	"github.com/edasctl/edasctl/internal/cli/stack"
	"github.com/edasctl/edasctl/internal/config"
	"github.com/edasctl/edasctl/internal/handler"
)

// A runner is one bench run. Each object n has its slot in results, written
// by one uploader and then by one reader, never concurrently.
type runner struct {
	opts     *Options
	st       *stack.Stack
	consumer config.Consumer
	id       string
	s3       s3API
	logs     logsAPI
	bucket   string
	timeout  time.Duration
	interval time.Duration
	settle   time.Duration

	prefix     string         // the uploads' common prefix, ending in "/"
	keys       []string       // upload key of object n
	catalogDir string         // the outputs' common prefix under catalog/
	byCatalog  map[string]int // catalog key → n
	results    []result
	// listedBelow is the number of leading objects (in key order, which
	// is n's order) whose entries have all been listed: listing resumes
	// after the last of them.
	listedBelow int

	uploaded, processed atomic.Int64
}

// A result is what the run learnt about one object.
type result struct {
	uploadStart time.Time
	uploadTime  time.Duration
	uploaded    bool
	sum         [sha256.Size]byte // SHA-256 of the uploaded content
	listed      bool              // its catalog entry has been seen
	entry       *handler.CatalogEntry
}

// catalogConsumer returns the first consumer whose action is catalog: its
// outputs are what bench waits for.
func catalogConsumer(cfg *config.Config) (config.Consumer, error) {
	for _, c := range cfg.Consumers {
		if c.Action == config.ActionCatalog {
			return c, nil
		}
	}
	return config.Consumer{}, cmdutil.WithHint(&cmdutil.UsageError{
		Err: fmt.Errorf("stack %s has no consumer with action catalog: bench measures the catalog outputs", cfg.Stack)},
		"add a consumer with 'action: catalog' to consumers in the configuration and run 'edasctl up'")
}

func newRunner(opts *Options, st *stack.Stack, consumer config.Consumer, id string, s3c s3API, logs logsAPI) *runner {
	r := &runner{opts: opts, st: st, consumer: consumer, id: id, s3: s3c, logs: logs,
		bucket: st.Config.BucketName(st.Target.Account, st.Target.Region)}
	r.timeout, r.interval, r.settle = opts.Timeout, opts.PollInterval, opts.SettleTimeout
	if r.timeout == 0 {
		r.timeout = pick(st.Local, DefaultLocalTimeout, DefaultAWSTimeout)
	}
	if r.interval == 0 {
		r.interval = pick(st.Local, 200*time.Millisecond, time.Second)
	}
	if r.settle == 0 {
		r.settle = pick(st.Local, 5*time.Second, 30*time.Second)
	}
	base, ext := keyLayout(st.Config.Bucket.InputPrefix, consumer.Filter)
	r.prefix = base + "bench/" + id + "/"
	r.keys = make([]string, opts.Objects)
	r.byCatalog = make(map[string]int, opts.Objects)
	// Zero-padded numbers sort as the objects were numbered, so listing
	// can resume after the longest run of entries already seen.
	width := len(strconv.Itoa(max(opts.Objects-1, 0)))
	for n := range r.keys {
		r.keys[n] = fmt.Sprintf("%s%0*d%s", r.prefix, width, n, ext)
		r.byCatalog[handler.CatalogKey(st.Config.Bucket.InputPrefix, r.keys[n])] = n
	}
	// The catalog key of "<prefix>_" is "<catalogDir>_.json".
	r.catalogDir = strings.TrimSuffix(handler.CatalogKey(st.Config.Bucket.InputPrefix, r.prefix+"_"), "_.json")
	r.results = make([]result, opts.Objects)
	return r
}

func pick[T any](local bool, onLocal, onAWS T) T {
	if local {
		return onLocal
	}
	return onAWS
}

// keyLayout returns the base prefix and extension of the bench keys so that
// they pass the catalog consumer's filter policy: its first prefix (prefixes
// are full keys under the input prefix) and its first suffix, else the input
// prefix and ".bin".
func keyLayout(inputPrefix string, f config.Filter) (base, ext string) {
	base, ext = inputPrefix, ".bin"
	if len(f.Prefix) > 0 {
		base = f.Prefix[0]
	}
	if len(f.Suffix) > 0 {
		ext = f.Suffix[0]
	}
	return base, ext
}

// checkBucket fails with a hint to run up when the stack's bucket is absent.
func (r *runner) checkBucket(ctx context.Context) error {
	_, err := r.s3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(r.bucket)})
	var notFound *s3types.NotFound
	var noBucket *s3types.NoSuchBucket
	switch {
	case errors.As(err, &notFound), errors.As(err, &noBucket):
		return cmdutil.WithHint(fmt.Errorf("bench: stack %s is %w: bucket %s does not exist", r.st.Config.Stack, errNotDeployed, r.bucket),
			"run 'edasctl up' first")
	case err != nil:
		return fmt.Errorf("bench: check bucket %s: %w", r.bucket, err)
	}
	return nil
}

// run uploads, collects the outputs until all arrived or the timeout,
// counts duplicates, cleans up unless results were lost or opts.Keep, and
// returns the report. An upload failure, an AWS error while listing or
// reading, or ctx ending ends the run with an error and keeps the objects.
func (r *runner) run(ctx context.Context) (*Report, error) {
	start := time.Now()
	waitCtx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()

	prog := newProgress(r.opts.IO, r.opts.CI, r.opts.Objects, start)
	stopProgress := prog.run(func() (int, int) { return int(r.uploaded.Load()), int(r.processed.Load()) }, r.interval)

	uploadsDone := make(chan struct{})
	var uploadErr error
	go func() {
		defer close(uploadsDone)
		uploadErr = r.upload(waitCtx)
		if uploadErr != nil {
			cancel()
		}
	}()
	collectErr := r.collect(waitCtx, uploadsDone)
	<-uploadsDone
	stopProgress()
	if collectErr == nil && ctx.Err() == nil {
		collectErr = r.readListed(ctx)
	}

	// A failed or interrupted run keeps its objects: deleting uploads that
	// are still queued would make the handler fail on them and fill the DLQ.
	if err := errors.Join(uploadErr, collectErr, ctx.Err()); err != nil {
		return nil, cmdutil.WithHint(err, fmt.Sprintf("the run's objects are kept under s3://%s/%s", r.bucket, r.prefix))
	}
	rep := r.report()
	if rep.Processed > 0 {
		dups, lines, err := r.countDuplicates(ctx, start)
		if err != nil {
			return nil, err
		}
		rep.Duplicated, rep.LogRecords = dups, lines
	}
	rep.Kept = r.opts.Keep || rep.Lost > 0 || rep.Mismatched > 0
	if !rep.Kept {
		if err := r.cleanup(ctx); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

// report summarises the results.
func (r *runner) report() *Report {
	rep := &Report{RunID: r.id, Stack: r.st.Config.Stack, Bucket: r.bucket, Consumer: r.consumer.Name, Local: r.st.Local,
		Objects: r.opts.Objects, SizeBytes: r.opts.Size, Concurrency: r.opts.Concurrency, Prefix: r.prefix}
	var e2e, uploads []time.Duration
	var first, last time.Time
	for n, res := range r.results {
		if !res.uploaded {
			continue
		}
		rep.Uploaded++
		uploads = append(uploads, res.uploadTime)
		if first.IsZero() || res.uploadStart.Before(first) {
			first = res.uploadStart
		}
		if res.entry == nil {
			rep.Lost++
			if len(rep.LostKeys) < maxNamedKeys {
				rep.LostKeys = append(rep.LostKeys, r.keys[n])
			}
			continue
		}
		rep.Processed++
		if res.entry.Size != r.opts.Size || res.entry.SHA256 != hex.EncodeToString(res.sum[:]) {
			rep.Mismatched++
			if len(rep.MismatchedKeys) < maxNamedKeys {
				rep.MismatchedKeys = append(rep.MismatchedKeys, r.keys[n])
			}
		}
		e2e = append(e2e, res.entry.ProcessedTime.Sub(res.entry.EventTime))
		if res.entry.ProcessedTime.After(last) {
			last = res.entry.ProcessedTime
		}
	}
	rep.Latency = percentiles(e2e, true)
	rep.Upload = percentiles(uploads, false)
	if rep.Processed > 0 && last.After(first) {
		d := last.Sub(first)
		rep.DurationMs = ms(d)
		rep.Throughput = float64(int(float64(rep.Processed)/d.Seconds()*10+0.5)) / 10
	}
	return rep
}
