package benchcmd

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/edasctl/edasctl/internal/handler"
)

// cleanupPrefixes are the run's key prefixes: its uploads, and the catalog
// and thumbnail outputs derived from them (the thumbnail consumer writes
// only for images, but a configuration may route .bin keys to it).
func (r *runner) cleanupPrefixes() []string {
	thumbDir := strings.TrimSuffix(handler.ThumbnailKey(r.st.Config.Bucket.InputPrefix, r.prefix+"_"), "_")
	return []string{r.prefix, r.catalogDir, thumbDir}
}

// cleanup deletes every version of every object under the run's prefixes,
// so a versioned bucket keeps no trace either. It goes on past a failed
// prefix and returns the failures joined.
func (r *runner) cleanup(ctx context.Context) error {
	var errs []error
	for _, p := range r.cleanupPrefixes() {
		if err := r.deletePrefix(ctx, p); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// deletePrefix deletes the versions and delete markers under prefix, a
// page (at most 1,000, DeleteObjects' limit) at a time.
func (r *runner) deletePrefix(ctx context.Context, prefix string) error {
	pages := s3.NewListObjectVersionsPaginator(r.s3, &s3.ListObjectVersionsInput{Bucket: aws.String(r.bucket), Prefix: aws.String(prefix)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list s3://%s/%s: %w", r.bucket, prefix, err)
		}
		var ids []s3types.ObjectIdentifier
		for _, v := range page.Versions {
			ids = append(ids, s3types.ObjectIdentifier{Key: v.Key, VersionId: v.VersionId})
		}
		for _, m := range page.DeleteMarkers {
			ids = append(ids, s3types.ObjectIdentifier{Key: m.Key, VersionId: m.VersionId})
		}
		if len(ids) == 0 {
			continue
		}
		out, err := r.s3.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(r.bucket),
			Delete: &s3types.Delete{Objects: ids, Quiet: aws.Bool(true)}})
		if err != nil {
			return fmt.Errorf("delete under s3://%s/%s: %w", r.bucket, prefix, err)
		}
		if len(out.Errors) > 0 {
			e := out.Errors[0]
			return fmt.Errorf("delete s3://%s/%s: %s: %s (and %d more)", r.bucket, aws.ToString(e.Key), aws.ToString(e.Code), aws.ToString(e.Message), len(out.Errors)-1)
		}
	}
	return nil
}
