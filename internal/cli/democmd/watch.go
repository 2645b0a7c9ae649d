package democmd

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"mime"
	"path"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/edasctl/edasctl/internal/awsenv"
	"github.com/edasctl/edasctl/internal/config"
	"github.com/edasctl/edasctl/internal/handler"
	"github.com/edasctl/edasctl/internal/iostreams"
	"github.com/edasctl/edasctl/internal/provision"
)

// A watcher uploads the samples and follows what the consumers make of them.
type watcher struct {
	ios    *iostreams.Streams
	cfg    *config.Config
	bucket string
	s3     *s3.Client
}

// upload is one uploaded sample and the outputs it should produce.
type upload struct {
	key, catalog, thumbnail string // thumbnail is "" for non-images
}

func newWatcher(awsCfg aws.Config, cfg *config.Config, t provision.Target, ios *iostreams.Streams) *watcher {
	return &watcher{
		ios: ios, cfg: cfg, bucket: cfg.BucketName(t.Account, t.Region),
		s3: s3.NewFromConfig(awsCfg, awsenv.S3Options(awsCfg)),
	}
}

func (w *watcher) upload(ctx context.Context, files fs.FS) ([]upload, error) {
	var ups []upload
	err := fs.WalkDir(files, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(files, name)
		if err != nil {
			return err
		}
		key := w.cfg.Bucket.InputPrefix + name
		ctype := mime.TypeByExtension(path.Ext(name))
		if _, err := w.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(w.bucket), Key: aws.String(key),
			Body: bytes.NewReader(data), ContentType: aws.String(ctype)}); err != nil {
			return fmt.Errorf("upload %s: %w", name, err)
		}
		fmt.Fprintf(w.ios.ErrOut, "  ↑ %-28s %7d bytes\n", key, len(data))
		u := upload{key: key, catalog: handler.CatalogKey(w.cfg.Bucket.InputPrefix, key)}
		if strings.HasPrefix(ctype, "image/") {
			u.thumbnail = handler.ThumbnailKey(w.cfg.Bucket.InputPrefix, key)
		}
		ups = append(ups, u)
		return nil
	})
	return ups, err
}

// await returns once every upload has its outputs, or fails when the
// timeout passes first.
func (w *watcher) await(ctx context.Context, ups []upload, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	pending := map[string]bool{}
	for _, u := range ups {
		pending[u.catalog] = true
		if u.thumbnail != "" {
			pending[u.thumbnail] = true
		}
	}
	for {
		for key := range pending {
			if _, err := w.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(w.bucket), Key: aws.String(key)}); err == nil {
				delete(pending, key)
			}
		}
		if len(pending) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			var missing []string
			for k := range pending {
				missing = append(missing, k)
			}
			return fmt.Errorf("outputs missing after %v: %s", timeout, strings.Join(missing, ", "))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// listOutputs prints every output object, as data, on stdout.
func (w *watcher) listOutputs(ctx context.Context) error {
	tw := tabwriter.NewWriter(w.ios.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "OUTPUT (s3://%s/)\tSIZE\n", w.bucket)
	for _, prefix := range []string{config.ThumbnailPrefix, config.CatalogPrefix} {
		p := s3.NewListObjectsV2Paginator(w.s3, &s3.ListObjectsV2Input{Bucket: aws.String(w.bucket), Prefix: aws.String(prefix)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return fmt.Errorf("list outputs: %w", err)
			}
			for _, o := range page.Contents {
				fmt.Fprintf(tw, "%s\t%d\n", aws.ToString(o.Key), aws.ToInt64(o.Size))
			}
		}
	}
	return tw.Flush()
}
