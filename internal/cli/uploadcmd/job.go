package uploadcmd

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/edasctl/edasctl/internal/cli/cmdutil"
	"github.com/edasctl/edasctl/internal/cli/stack"
	"github.com/edasctl/edasctl/internal/config"
)

// A job is one run of the command over checked sources.
type job struct {
	opts     *Options
	srcs     []source
	bucket   string
	api      s3API
	uploader *uploader
	waiter   *waiter // nil without --wait
}

// newJob prepares the upload of srcs to st. With --wait it refuses, before
// anything is uploaded, a key no catalog consumer receives: its result
// would never come.
func newJob(opts *Options, st *stack.Stack, srcs []source) (*job, error) {
	cfg := st.Config
	bucket := cfg.BucketName(st.Target.Account, st.Target.Region)
	prefix := keyPrefix(cfg.Bucket.InputPrefix, opts.Prefix)
	api := opts.newS3(st.AWS)
	j := &job{opts: opts, srcs: srcs, bucket: bucket, api: api,
		uploader: newUploader(api, bucket, prefix, opts.PartSize, opts.Concurrency, opts.IO.In, opts.Now)}
	if !opts.Wait {
		return j, nil
	}
	for _, s := range srcs {
		if key := j.uploader.key(s); !routes(cfg.Consumers, config.ActionCatalog, key) {
			return nil, &cmdutil.UsageError{Err: fmt.Errorf("--wait waits for catalog entries, but no consumer of stack %s with action %s receives %s", cfg.Stack, config.ActionCatalog, key)}
		}
	}
	timeout, p := opts.Timeout, pollAWS
	if st.Local {
		p = pollLocal
	}
	if timeout == 0 {
		timeout = defaultTimeoutAWS
		if st.Local {
			timeout = defaultTimeoutLocal
		}
	}
	j.waiter = &waiter{api: api, bucket: bucket, inputPrefix: cfg.Bucket.InputPrefix, consumers: cfg.Consumers,
		timeout: timeout, poll: p, now: opts.Now}
	return j, nil
}

// run uploads every source, opts.Concurrency files at a time, and with
// --wait awaits their results (maxWaits at a time) while later files upload.
// The first failed upload stops the others (each aborts its multipart
// upload); a missing result does not.
func (j *job) run(ctx context.Context) summary {
	start := j.opts.Now()
	total := int64(0)
	for _, s := range j.srcs {
		if s.Size < 0 {
			total = -1
			break
		}
		total += s.Size
	}
	disp := newDisplay(j.opts.IO, j.opts.JSON, j.opts.CI, j.opts.Now)
	disp.begin(len(j.srcs), total)
	stopTicker := j.tick(disp)

	r := &running{job: j, disp: disp, parent: ctx, sum: summary{files: len(j.srcs)}, waits: make(chan struct{}, maxWaits)}
	r.ctx, r.stop = context.WithCancelCause(ctx)
	defer r.stop(nil)
	queue := make(chan int)
	for range j.opts.Concurrency {
		go func() {
			for i := range queue {
				r.file(i)
			}
		}()
	}
	for i := range j.srcs {
		if r.ctx.Err() != nil {
			break
		}
		r.wg.Add(1)
		queue <- i
	}
	close(queue)
	r.wg.Wait()
	stopTicker()
	disp.finish()
	r.sum.elapsed = j.opts.Now().Sub(start)
	return r.sum
}

// running is the state of one job.run.
type running struct {
	*job
	disp *display
	// Uploads run under ctx, which stop cancels at the first failed upload;
	// waits run under parent, so files already uploaded still get their
	// results.
	parent, ctx context.Context
	stop        context.CancelCauseFunc
	waits       chan struct{} // admits maxWaits waits at a time
	wg          sync.WaitGroup

	mu  sync.Mutex // guards sum
	sum summary
}

// file uploads source i, then shows its record or hands it to await.
func (r *running) file(i int) {
	defer r.wg.Done()
	rec, up, err := r.upload(r.ctx, r.disp, i)
	if err != nil {
		r.mu.Lock()
		first := r.sum.uploadErr == nil && r.ctx.Err() == nil
		if first {
			r.sum.uploadErr = err
			r.stop(err)
		}
		r.mu.Unlock()
		if first || !errors.Is(err, context.Canceled) {
			rec.returned = first
			r.disp.done(i, rec)
		} else {
			r.disp.drop(i) // stopped, not failed
		}
		return
	}
	r.mu.Lock()
	r.sum.uploaded++
	r.sum.bytes += up.Size
	r.mu.Unlock()
	if r.waiter == nil {
		r.disp.done(i, rec)
		return
	}
	r.wg.Add(1)
	go r.await(i, rec, up)
}

// await waits for the result of source i, uploaded as up, and shows rec
// with it. Interrupted, it shows rec as it is.
func (r *running) await(i int, rec record, up uploaded) {
	defer r.wg.Done()
	select {
	case r.waits <- struct{}{}:
		res, err := r.waiter.wait(r.parent, up, func(s string) { r.disp.status(i, s) })
		<-r.waits
		rec.addResult(up, res)
		r.mu.Lock()
		switch {
		case err == nil:
			r.sum.results++
		case r.parent.Err() == nil:
			rec.Error = err.Error()
			r.sum.waitErrs++
		}
		r.mu.Unlock()
	case <-r.parent.Done():
	}
	r.disp.done(i, rec)
}

// upload sends source i and returns its record.
func (j *job) upload(ctx context.Context, disp *display, i int) (record, uploaded, error) {
	src := j.srcs[i]
	disp.startFile(i, src.Name, src.Size)
	up, err := j.uploader.upload(ctx, src, func(n int64) { disp.progress(i, n) })
	rec := newRecord(j.bucket, src, j.uploader.key(src), up)
	if err != nil {
		rec.Error = err.Error()
		return rec, up, err
	}
	disp.uploaded(i, up.Size)
	return rec, up, nil
}

// tick refreshes the live block until the returned function is called.
func (j *job) tick(disp *display) func() {
	if !disp.live {
		return func() {}
	}
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(tickInterval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				disp.tick()
			}
		}
	}()
	return func() { close(done); <-stopped }
}
