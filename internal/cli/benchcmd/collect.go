package benchcmd

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/edasctl/edasctl/internal/handler"
)

// collect lists the run's catalog prefix every poll interval (one paginated
// ListObjectsV2 instead of a HeadObject per object), marking the entries
// that appeared, until every uploaded object has its entry after the
// uploads are done, or ctx ends — then the missing ones are lost, which is
// not an error. An AWS error while listing is returned. The entries are
// read afterwards (readListed): reading them while the pipeline runs would
// take CPU from the pipeline being measured (a GET per object, a tenth of
// a 2-core machine at 500 objects/s), and their content does not depend on
// when they are read.
func (r *runner) collect(ctx context.Context, uploadsDone <-chan struct{}) error {
	timer := time.NewTimer(0)
	defer timer.Stop()
	finished := false
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-uploadsDone:
			finished, uploadsDone = true, nil
			continue
		case <-timer.C:
		}
		if err := r.poll(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if finished && r.processed.Load() >= r.uploaded.Load() {
			return nil
		}
		timer.Reset(r.interval)
	}
}

// poll lists the catalog prefix and marks the entries not seen before. It
// lists only after the longest run of leading entries already seen: the
// outputs arrive roughly in upload order, so a poll reads the new keys,
// not every key again (a full listing of a thousand keys costs both
// sides tens of milliseconds of XML).
func (r *runner) poll(ctx context.Context) error {
	in := &s3.ListObjectsV2Input{Bucket: aws.String(r.bucket), Prefix: aws.String(r.catalogDir)}
	if r.listedBelow > 0 {
		in.StartAfter = aws.String(handler.CatalogKey(r.st.Config.Bucket.InputPrefix, r.keys[r.listedBelow-1]))
	}
	pages := s3.NewListObjectsV2Paginator(r.s3, in)
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list s3://%s/%s: %w", r.bucket, r.catalogDir, err)
		}
		for _, o := range page.Contents {
			if n, ok := r.byCatalog[aws.ToString(o.Key)]; ok && !r.results[n].listed {
				r.results[n].listed = true
				r.processed.Add(1)
			}
		}
	}
	for r.listedBelow < len(r.results) && r.results[r.listedBelow].listed {
		r.listedBelow++
	}
	return nil
}

// readListed reads the entries that collect saw, opts.Concurrency at a time.
func (r *runner) readListed(ctx context.Context) error {
	var ns []int
	for n, res := range r.results {
		if res.listed && res.entry == nil {
			ns = append(ns, n)
		}
	}
	return r.readAll(ctx, ns)
}

// readAll reads the catalog entries of the objects in ns.
func (r *runner) readAll(ctx context.Context, ns []int) error {
	jobs := make(chan int)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	for range min(r.opts.Concurrency, len(ns)) {
		wg.Go(func() {
			for n := range jobs {
				entry, err := r.read(ctx, n)
				if err != nil {
					select {
					case errs <- err:
					default:
					}
					continue
				}
				r.results[n].entry = entry
			}
		})
	}
	for _, n := range ns {
		jobs <- n
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

// read gets and decodes the catalog entry of object n and checks that it
// describes that object.
func (r *runner) read(ctx context.Context, n int) (*handler.CatalogEntry, error) {
	key := handler.CatalogKey(r.st.Config.Bucket.InputPrefix, r.keys[n])
	out, err := r.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(r.bucket), Key: aws.String(key)})
	if err != nil {
		return nil, fmt.Errorf("read s3://%s/%s: %w", r.bucket, key, err)
	}
	defer out.Body.Close()
	var e handler.CatalogEntry
	if err := json.NewDecoder(out.Body).Decode(&e); err != nil {
		return nil, fmt.Errorf("decode s3://%s/%s: %w", r.bucket, key, err)
	}
	if e.Key != r.keys[n] || e.EventTime.IsZero() || e.ProcessedTime.IsZero() {
		return nil, fmt.Errorf("decode s3://%s/%s: entry for key %q with eventTime %s and processedTime %s, want key %q and both times",
			r.bucket, key, e.Key, e.EventTime.Format(time.RFC3339Nano), e.ProcessedTime.Format(time.RFC3339Nano), r.keys[n])
	}
	return &e, nil
}
