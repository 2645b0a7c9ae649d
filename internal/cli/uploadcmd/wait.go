package uploadcmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/edasctl/edasctl/internal/config"
	"github.com/edasctl/edasctl/internal/handler"
)

// Default --timeout of --wait. S3 notifications are "typically delivered in
// seconds but can sometimes take a minute or longer"
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventNotifications.html,
// AWS-RULES S9); the local AWS delivers in milliseconds.
const (
	defaultTimeoutAWS   = 2 * time.Minute
	defaultTimeoutLocal = 30 * time.Second
)

// A poll is the backoff of a wait: first interval, growth, ceiling.
type poll struct{ first, max time.Duration }

var (
	pollLocal = poll{first: 10 * time.Millisecond, max: 100 * time.Millisecond}
	pollAWS   = poll{first: 250 * time.Millisecond, max: 2 * time.Second}
)

// A waiter waits for the pipeline's outputs of uploaded objects.
type waiter struct {
	api         s3API
	bucket      string
	inputPrefix string
	consumers   []config.Consumer
	timeout     time.Duration
	poll        poll
	now         func() time.Time
}

// A result is what the pipeline made of one upload.
type result struct {
	CatalogKey string
	Entry      handler.CatalogEntry
	// ThumbnailKey is the thumbnail's key when one was written; empty when
	// none is expected (Thumbnail false) or none appeared in time.
	ThumbnailKey string
	Thumbnail    bool // a thumbnail is expected
	// Seen is when the catalog entry was read.
	Seen time.Time
}

// Latency is the pipeline's end-to-end latency: from the S3 event to the
// catalog entry.
func (r result) Latency() time.Duration { return r.Entry.ProcessedTime.Sub(r.Entry.EventTime) }

// A TimeoutError reports an output that did not appear within --timeout.
type TimeoutError struct {
	Key   string
	After time.Duration
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("%s did not appear within %s", e.Key, e.After)
}

// routes reports whether a consumer running action receives uploads of key.
// SNS applies the filter policy to the S3 event, whose key is URL-encoded;
// suffixes and prefixes free of characters that encoding changes match the
// same either way.
func routes(consumers []config.Consumer, action, key string) bool {
	for _, c := range consumers {
		if c.Action == action && matches(c.Filter, key) {
			return true
		}
	}
	return false
}

func matches(f config.Filter, key string) bool {
	return anyOf(f.Suffix, func(s string) bool { return strings.HasSuffix(key, s) }) &&
		anyOf(f.Prefix, func(p string) bool { return strings.HasPrefix(key, p) })
}

// anyOf is true for an empty list, else when ok holds for an element.
func anyOf(list []string, ok func(string) bool) bool {
	if len(list) == 0 {
		return true
	}
	for _, s := range list {
		if ok(s) {
			return true
		}
	}
	return false
}

// wait polls until the catalog entry of up exists and describes this upload,
// then, when the object is an image the thumbnail action handles and a
// thumbnail consumer receives it, until its thumbnail exists too. It gives
// up after w.timeout with a *TimeoutError (returning what it has), and
// returns ctx.Err() when ctx ends.
//
// An entry or thumbnail left by an earlier upload of the same key is not
// taken for this one's: the entry must carry this upload's ETag (and
// version, on a versioned bucket) and an event time not before the
// object's Last-Modified second, and the thumbnail must be modified no
// earlier than that second.
func (w *waiter) wait(ctx context.Context, up uploaded, status func(string)) (result, error) {
	res := result{CatalogKey: handler.CatalogKey(w.inputPrefix, up.Key)}
	tctx, cancel := context.WithTimeout(ctx, w.timeout)
	defer cancel()
	timedOut := func(key string, err error) (result, error) {
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		if errors.Is(err, context.DeadlineExceeded) {
			return res, &TimeoutError{Key: key, After: w.timeout}
		}
		return res, err
	}

	since, err := w.lastModified(ctx, up.Key)
	if err != nil {
		return res, err
	}
	status("waiting for " + res.CatalogKey)
	err = w.until(tctx, func(ctx context.Context) (bool, error) {
		entry, ok, err := w.entry(ctx, res.CatalogKey)
		if err != nil || !ok {
			return false, err
		}
		fresh := entry.ETag == up.ETag && (up.VersionID == "" || entry.VersionID == up.VersionID) && !entry.EventTime.Before(since)
		if fresh {
			res.Entry, res.Seen = entry, w.now()
		}
		return fresh, nil
	})
	if err != nil {
		return timedOut(res.CatalogKey, err)
	}

	res.Thumbnail = thumbnailable(res.Entry) && routes(w.consumers, config.ActionThumbnail, up.Key)
	if !res.Thumbnail {
		return res, nil
	}
	thumb := handler.ThumbnailKey(w.inputPrefix, up.Key)
	status("waiting for " + thumb)
	err = w.until(tctx, func(ctx context.Context) (bool, error) {
		mod, ok, err := w.modified(ctx, thumb)
		return ok && !mod.Before(since), err
	})
	if err != nil {
		return timedOut(thumb, err)
	}
	res.ThumbnailKey = thumb
	return res, nil
}

// thumbnailable reports whether the thumbnail action makes a thumbnail of
// the object e describes: an image in a format it decodes, within the
// handler's default limits.
func thumbnailable(e handler.CatalogEntry) bool {
	switch e.ContentType {
	case "image/jpeg", "image/png", "image/gif", "image/webp":
	default:
		return false
	}
	return e.Width > 0 && e.Height > 0 && e.Width <= handler.DefaultMaxSide && e.Height <= handler.DefaultMaxSide &&
		int64(e.Width)*int64(e.Height) <= handler.DefaultMaxPixels && e.Size <= handler.DefaultMaxObjectBytes
}

// until calls check with backoff until it reports true, fails, or ctx ends.
func (w *waiter) until(ctx context.Context, check func(context.Context) (bool, error)) error {
	interval := w.poll.first
	for {
		ok, err := check(ctx)
		if err != nil || ok {
			return err
		}
		t := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		interval = min(interval*3/2, w.poll.max)
	}
}

// lastModified is the Last-Modified time of key, truncated to the second
// as HTTP dates are.
func (w *waiter) lastModified(ctx context.Context, key string) (time.Time, error) {
	out, err := w.api.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(w.bucket), Key: aws.String(key)})
	if err != nil {
		return time.Time{}, fmt.Errorf("read s3://%s/%s: %w", w.bucket, key, err)
	}
	return aws.ToTime(out.LastModified).Truncate(time.Second), nil
}

// modified is the Last-Modified time of key, and false when key does not
// exist.
func (w *waiter) modified(ctx context.Context, key string) (time.Time, bool, error) {
	out, err := w.api.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(w.bucket), Key: aws.String(key)})
	if isNotFound(err) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("read s3://%s/%s: %w", w.bucket, key, err)
	}
	return aws.ToTime(out.LastModified), true, nil
}

// entry reads the catalog entry at key, and false when it does not exist.
func (w *waiter) entry(ctx context.Context, key string) (handler.CatalogEntry, bool, error) {
	out, err := w.api.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(w.bucket), Key: aws.String(key)})
	if isNotFound(err) {
		return handler.CatalogEntry{}, false, nil
	}
	if err != nil {
		return handler.CatalogEntry{}, false, fmt.Errorf("read s3://%s/%s: %w", w.bucket, key, err)
	}
	defer out.Body.Close()
	data, err := io.ReadAll(out.Body)
	if err != nil {
		return handler.CatalogEntry{}, false, fmt.Errorf("read s3://%s/%s: %w", w.bucket, key, err)
	}
	var e handler.CatalogEntry
	if err := json.Unmarshal(data, &e); err != nil {
		return handler.CatalogEntry{}, false, fmt.Errorf("decode catalog entry s3://%s/%s: %w", w.bucket, key, err)
	}
	return e, true, nil
}

// isNotFound reports a missing object: GetObject's NoSuchKey, or HeadObject's
// bodiless 404, which the SDK models as *types.NotFound.
func isNotFound(err error) bool {
	var noKey *types.NoSuchKey
	var notFound *types.NotFound
	return err != nil && (errors.As(err, &noKey) || errors.As(err, &notFound))
}
