package benchcmd

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	mrand "math/rand/v2"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// upload puts every object with opts.Concurrency concurrent PutObject
// calls, each with fresh random content. It stops at the first failure or
// when ctx ends, and returns the first failure (nil when ctx merely ended:
// objects not uploaded by then are simply not counted).
func (r *runner) upload(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan int)
	var (
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	for range min(r.opts.Concurrency, len(r.keys)) {
		wg.Go(func() {
			rng, err := newRNG()
			buf := make([]byte, r.opts.Size)
			for n := range jobs {
				if err == nil && ctx.Err() == nil {
					err = r.put(ctx, rng, buf, n)
				}
				if err != nil && ctx.Err() == nil {
					errOnce.Do(func() { firstErr = err; cancel() })
				}
			}
		})
	}
feed:
	for n := range r.keys {
		select {
		case jobs <- n:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	return firstErr
}

// put uploads object n with content from rng and records its timing.
func (r *runner) put(ctx context.Context, rng *mrand.ChaCha8, buf []byte, n int) error {
	_, _ = rng.Read(buf) // never fails
	r.results[n].sum = sha256.Sum256(buf)
	start := time.Now()
	_, err := r.s3.PutObject(ctx, &s3.PutObjectInput{
		Bucket:        aws.String(r.bucket),
		Key:           aws.String(r.keys[n]),
		Body:          bytes.NewReader(buf),
		ContentLength: aws.Int64(int64(len(buf))),
		ContentType:   aws.String("application/octet-stream"),
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil // the run timed out or was cancelled: not counted
		}
		return fmt.Errorf("upload %s: %w", r.keys[n], err)
	}
	r.results[n].uploadStart, r.results[n].uploadTime, r.results[n].uploaded = start, time.Since(start), true
	r.uploaded.Add(1)
	return nil
}

// newRNG returns a fast generator seeded from crypto/rand, so every run's
// content differs.
func newRNG() (*mrand.ChaCha8, error) {
	var seed [32]byte
	if _, err := rand.Read(seed[:]); err != nil {
		return nil, fmt.Errorf("seed random content: %w", err)
	}
	return mrand.NewChaCha8(seed), nil
}
