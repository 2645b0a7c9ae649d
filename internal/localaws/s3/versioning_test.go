package s3

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func setVersioning(t *testing.T, h *harness, bucket string, status types.BucketVersioningStatus) {
	t.Helper()
	if _, err := h.client.PutBucketVersioning(context.Background(), &s3.PutBucketVersioningInput{Bucket: aws.String(bucket),
		VersioningConfiguration: &types.VersioningConfiguration{Status: status}}); err != nil {
		t.Fatal(err)
	}
}

// versionRow is one listed version: key, version ID, latest, marker.
type versionRow struct {
	key, id      string
	latest, mark bool
}

func listVersions(t *testing.T, h *harness, bucket string, pageSize int32) []versionRow {
	t.Helper()
	var rows []versionRow
	in := &s3.ListObjectVersionsInput{Bucket: aws.String(bucket), MaxKeys: aws.Int32(pageSize)}
	for pages := 0; pages < 100; pages++ {
		out, err := h.client.ListObjectVersions(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		// The SDK splits versions and markers; the wire order interleaves
		// them by key then age, which sorting by key keeps within a page.
		for _, v := range out.Versions {
			rows = append(rows, versionRow{aws.ToString(v.Key), aws.ToString(v.VersionId), aws.ToBool(v.IsLatest), false})
		}
		for _, m := range out.DeleteMarkers {
			rows = append(rows, versionRow{aws.ToString(m.Key), aws.ToString(m.VersionId), aws.ToBool(m.IsLatest), true})
		}
		if !aws.ToBool(out.IsTruncated) {
			return rows
		}
		in.KeyMarker, in.VersionIdMarker = out.NextKeyMarker, out.NextVersionIdMarker
	}
	t.Fatal("ListObjectVersions never stops")
	return nil
}

func TestVersioning(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, harnessConfig{})
	h.createBucket("ver")
	get, err := h.client.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String("ver")})
	if err != nil || get.Status != "" {
		t.Fatalf("versioning of a new bucket = %q, %v; want unset", get.Status, err)
	}
	h.put("ver", "k", []byte("before"))
	setVersioning(t, h, "ver", types.BucketVersioningStatusEnabled)
	v1 := aws.ToString(h.put("ver", "k", []byte("one")).VersionId)
	v2 := aws.ToString(h.put("ver", "k", []byte("two")).VersionId)
	if v1 == "" || v2 == "" || v1 == v2 {
		t.Fatalf("version IDs %q %q, want two distinct IDs", v1, v2)
	}
	if got := h.get("ver", "k"); string(got) != "two" {
		t.Errorf("latest = %q, want two", got)
	}
	out, err := h.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("ver"), Key: aws.String("k"), VersionId: aws.String(v1)})
	if err != nil {
		t.Fatal(err)
	}
	out.Body.Close()
	if aws.ToString(out.VersionId) != v1 {
		t.Errorf("GET by version returned %s", aws.ToString(out.VersionId))
	}

	del, err := h.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("ver"), Key: aws.String("k")})
	if err != nil {
		t.Fatal(err)
	}
	if !aws.ToBool(del.DeleteMarker) || aws.ToString(del.VersionId) == "" {
		t.Fatalf("DeleteObject = marker %v id %q, want a delete marker", aws.ToBool(del.DeleteMarker), aws.ToString(del.VersionId))
	}
	_, err = h.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("ver"), Key: aws.String("k")})
	var nsk *types.NoSuchKey
	if !errors.As(err, &nsk) {
		t.Errorf("GET behind a delete marker: %v, want NoSuchKey", err)
	}
	resp := h.raw(http.MethodGet, "/ver/k?versionId="+aws.ToString(del.VersionId), nil, nil)
	wantStatus(t, resp, http.StatusMethodNotAllowed, "MethodNotAllowed")

	rows := listVersions(t, h, "ver", 1)
	if len(rows) != 4 {
		t.Fatalf("versions = %+v, want null, v1, v2 and a marker", rows)
	}
	latest := 0
	for _, r := range rows {
		if r.latest {
			latest++
			if !r.mark {
				t.Errorf("latest is %+v, want the delete marker", r)
			}
		}
	}
	if latest != 1 {
		t.Errorf("%d latest versions, want 1", latest)
	}
	var nullFound bool
	for _, r := range rows {
		nullFound = nullFound || r.id == "null"
	}
	if !nullFound {
		t.Errorf("versions %+v lack the pre-versioning null version", rows)
	}

	// Deleting the marker by version brings v2 back.
	if _, err := h.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("ver"), Key: aws.String("k"), VersionId: del.VersionId}); err != nil {
		t.Fatal(err)
	}
	if got := h.get("ver", "k"); string(got) != "two" {
		t.Errorf("after removing the marker latest = %q, want two", got)
	}
	_, err = h.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("ver"), Key: aws.String("k"), VersionId: aws.String("NoSuchVersionIdOfThirtyTwoChars_")})
	wantCode(t, err, "NoSuchVersion")
}

func TestSuspendedVersioningOverwritesTheNullVersion(t *testing.T) {
	h := newHarness(t, harnessConfig{})
	h.createBucket("sus")
	setVersioning(t, h, "sus", types.BucketVersioningStatusEnabled)
	kept := aws.ToString(h.put("sus", "k", []byte("kept")).VersionId)
	setVersioning(t, h, "sus", types.BucketVersioningStatusSuspended)
	h.put("sus", "k", []byte("null one"))
	h.put("sus", "k", []byte("null two"))
	rows := listVersions(t, h, "sus", 1000)
	if len(rows) != 2 {
		t.Fatalf("versions = %+v, want the kept version and one null version", rows)
	}
	ids := map[string]bool{}
	for _, r := range rows {
		ids[r.id] = true
	}
	if !ids[kept] || !ids["null"] {
		t.Errorf("version IDs %v, want %s and null", ids, kept)
	}
	if got := h.get("sus", "k"); string(got) != "null two" {
		t.Errorf("latest = %q", got)
	}
}

func TestDeletingOneVersionTwiceInABatchKeepsOtherBodies(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, harnessConfig{dataDir: t.TempDir()})
	h.svc.blobs.(*diskBlobs).packLimit = 40
	h.createBucket("twice")
	h.put("twice", "neighbour", []byte("shares the pack"))  // 15 bytes
	h.put("twice", "k", []byte("null version"))             // 12 bytes, same pack
	h.put("twice", "filler", bytes.Repeat([]byte("f"), 20)) // seals that pack
	setVersioning(t, h, "twice", types.BucketVersioningStatusSuspended)
	// "k" puts a null delete marker in place of the null version, and
	// "k@null" names that same null version.
	if _, err := h.client.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("twice"), Delete: &types.Delete{
		Objects: []types.ObjectIdentifier{{Key: aws.String("k")}, {Key: aws.String("k"), VersionId: aws.String("null")}}}}); err != nil {
		t.Fatal(err)
	}
	if got := h.get("twice", "neighbour"); string(got) != "shares the pack" {
		t.Errorf("neighbour = %q after the batch", got)
	}
}

func TestListObjectVersionsPagesThroughCommonPrefixesOnce(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, harnessConfig{})
	h.createBucket("vcp")
	setVersioning(t, h, "vcp", types.BucketVersioningStatusEnabled)
	for _, k := range []string{"a", "a", "d/1", "d/2", "d/2", "d/x/3", "e"} {
		h.put("vcp", k, []byte(k))
	}
	list := func(in *s3.ListObjectVersionsInput, pageSize int32) (entries, prefixes []string) {
		in.Bucket, in.MaxKeys = aws.String("vcp"), aws.Int32(pageSize)
		for pages := 0; ; pages++ {
			if pages > 20 {
				t.Fatal("ListObjectVersions never stops")
			}
			out, err := h.client.ListObjectVersions(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range out.Versions {
				entries = append(entries, aws.ToString(v.Key))
			}
			for _, cp := range out.CommonPrefixes {
				prefixes = append(prefixes, aws.ToString(cp.Prefix))
			}
			if !aws.ToBool(out.IsTruncated) {
				return entries, prefixes
			}
			in.KeyMarker, in.VersionIdMarker = out.NextKeyMarker, out.NextVersionIdMarker
		}
	}
	for name, tc := range map[string]struct {
		in                s3.ListObjectVersionsInput
		entries, prefixes []string
	}{
		"a delimiter lists d/ once": {in: s3.ListObjectVersionsInput{Delimiter: aws.String("/")},
			entries: []string{"a", "a", "e"}, prefixes: []string{"d/"}},
		"under a prefix, nested prefixes once": {in: s3.ListObjectVersionsInput{Prefix: aws.String("d/"), Delimiter: aws.String("/")},
			entries: []string{"d/1", "d/2", "d/2"}, prefixes: []string{"d/x/"}},
		"a key marker inside a common prefix skips it": {in: s3.ListObjectVersionsInput{Delimiter: aws.String("/"), KeyMarker: aws.String("d/1")},
			entries: []string{"e"}},
		"no delimiter, every version": {in: s3.ListObjectVersionsInput{},
			entries: []string{"a", "a", "d/1", "d/2", "d/2", "d/x/3", "e"}},
	} {
		for _, pageSize := range []int32{1, 1000} {
			t.Run(fmt.Sprintf("%s, pages of %d", name, pageSize), func(t *testing.T) {
				in := tc.in
				entries, prefixes := list(&in, pageSize)
				if !slices.Equal(entries, tc.entries) || !slices.Equal(prefixes, tc.prefixes) {
					t.Errorf("versions of %v and prefixes %v, want %v and %v", entries, prefixes, tc.entries, tc.prefixes)
				}
			})
		}
	}
}
