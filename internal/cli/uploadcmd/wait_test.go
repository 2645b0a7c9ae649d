package uploadcmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/edasctl/edasctl/internal/config"
	"github.com/edasctl/edasctl/internal/handler"
	"github.com/edasctl/edasctl/internal/testenv"
)

func TestRoutesFollowsTheConsumersFilters(t *testing.T) {
	consumers := config.Default().Consumers
	tests := []struct {
		name, action, key string
		want              bool
	}{
		{"the thumbnail consumer takes an image suffix", config.ActionThumbnail, "uploads/a.jpg", true},
		{"the thumbnail consumer ignores other suffixes", config.ActionThumbnail, "uploads/a.txt", false},
		{"the catalog consumer takes everything", config.ActionCatalog, "uploads/anything", true},
		{"no consumer runs an unknown action", "resize", "uploads/a.jpg", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := routes(consumers, tt.action, tt.key); got != tt.want {
				t.Fatalf("routes(%s, %s) = %v, want %v", tt.action, tt.key, got, tt.want)
			}
		})
	}
	prefixed := []config.Consumer{{Action: config.ActionCatalog, Filter: config.Filter{Prefix: []string{"uploads/docs/"}, Suffix: []string{".pdf"}}}}
	if routes(prefixed, config.ActionCatalog, "uploads/img/a.pdf") || !routes(prefixed, config.ActionCatalog, "uploads/docs/a.pdf") {
		t.Fatal("a filter with a prefix and a suffix must require both")
	}
}

func TestThumbnailableMirrorsTheHandler(t *testing.T) {
	tests := []struct {
		name  string
		entry handler.CatalogEntry
		want  bool
	}{
		{"a small JPEG", handler.CatalogEntry{ContentType: "image/jpeg", Width: 640, Height: 480, Size: 1 << 20}, true},
		{"a WebP", handler.CatalogEntry{ContentType: "image/webp", Width: 10, Height: 10, Size: 100}, true},
		{"text", handler.CatalogEntry{ContentType: "text/plain; charset=utf-8", Size: 100}, false},
		{"an image over the side limit", handler.CatalogEntry{ContentType: "image/png", Width: handler.DefaultMaxSide + 1, Height: 1, Size: 100}, false},
		{"an image over the byte limit", handler.CatalogEntry{ContentType: "image/png", Width: 10, Height: 10, Size: handler.DefaultMaxObjectBytes + 1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := thumbnailable(tt.entry); got != tt.want {
				t.Fatalf("thumbnailable = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestWaitTakesOnlyTheCatalogEntryOfThisUpload(t *testing.T) {
	e := testenv.New(t) // no pipeline: the test writes the entries itself
	ctx := context.Background()
	bucket := "wait-test"
	if _, err := e.S3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	put := func(key string, body []byte) string {
		t.Helper()
		out, err := e.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body)})
		if err != nil {
			t.Fatal(err)
		}
		return strings.Trim(aws.ToString(out.ETag), `"`)
	}
	entry := func(etag string, eventTime time.Time) []byte {
		data, _ := json.Marshal(handler.CatalogEntry{Key: "uploads/a.txt", ETag: etag, ContentType: "text/plain", Size: 3,
			EventTime: eventTime, ProcessedTime: eventTime.Add(5 * time.Millisecond)})
		return data
	}
	up := uploaded{Key: "uploads/a.txt", ETag: put("uploads/a.txt", []byte("new")), Start: time.Now()}
	w := &waiter{api: s3.NewFromConfig(e.AWS, func(o *s3.Options) { o.UsePathStyle = true }), bucket: bucket, inputPrefix: "uploads/",
		consumers: config.Default().Consumers, timeout: 300 * time.Millisecond, poll: pollLocal, now: time.Now}

	put("catalog/a.txt.json", entry("an-older-etag", time.Now()))
	_, err := w.wait(ctx, up, func(string) {})
	var timeout *TimeoutError
	if !errors.As(err, &timeout) || timeout.Key != "catalog/a.txt.json" || err.Error() != "catalog/a.txt.json did not appear within 300ms" {
		t.Fatalf("wait with a stale entry: %v, want a timeout on catalog/a.txt.json", err)
	}

	put("catalog/a.txt.json", entry(up.ETag, time.Now()))
	res, err := w.wait(ctx, up, func(string) {})
	if err != nil {
		t.Fatalf("wait with a fresh entry: %v", err)
	}
	if res.CatalogKey != "catalog/a.txt.json" || res.Latency() != 5*time.Millisecond || res.Thumbnail || res.Seen.IsZero() {
		t.Fatalf("result %+v", res)
	}
}
