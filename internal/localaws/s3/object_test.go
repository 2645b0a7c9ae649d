package s3

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func TestPutThenGetReturnsBodyHeadersAndMetadata(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, harnessConfig{})
	h.createBucket("bkt")
	body := []byte("hello, local s3")
	put, err := h.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String("bkt"), Key: aws.String("docs/hello.txt"), Body: bytes.NewReader(body),
		ContentType: aws.String("text/plain"), ContentEncoding: aws.String("identity"),
		ContentDisposition: aws.String(`attachment; filename="hello.txt"`), CacheControl: aws.String("max-age=60"),
		Metadata: map[string]string{"Owner": "edas", "purpose": "test"},
	})
	if err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum(body)
	wantETag := `"` + hex.EncodeToString(sum[:]) + `"`
	if aws.ToString(put.ETag) != wantETag {
		t.Errorf("PutObject ETag = %s, want %s", aws.ToString(put.ETag), wantETag)
	}
	get, err := h.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("docs/hello.txt")})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(get.Body)
	get.Body.Close()
	if !bytes.Equal(got, body) {
		t.Errorf("body = %q, want %q", got, body)
	}
	checks := map[string][2]string{
		"ETag":                {aws.ToString(get.ETag), wantETag},
		"Content-Type":        {aws.ToString(get.ContentType), "text/plain"},
		"Content-Encoding":    {aws.ToString(get.ContentEncoding), "identity"},
		"Content-Disposition": {aws.ToString(get.ContentDisposition), `attachment; filename="hello.txt"`},
		"Cache-Control":       {aws.ToString(get.CacheControl), "max-age=60"},
		"meta owner":          {get.Metadata["owner"], "edas"},
		"meta purpose":        {get.Metadata["purpose"], "test"},
		"encryption":          {string(get.ServerSideEncryption), "AES256"},
		"Last-Modified":       {get.LastModified.UTC().Format(time.RFC3339), testEpoch.Format(time.RFC3339)},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s = %q, want %q", name, c[0], c[1])
		}
	}
	head, err := h.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("docs/hello.txt")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt64(head.ContentLength) != int64(len(body)) || aws.ToString(head.ETag) != wantETag {
		t.Errorf("HeadObject = length %d etag %s, want %d %s", aws.ToInt64(head.ContentLength), aws.ToString(head.ETag), len(body), wantETag)
	}
}

func TestObjectWithoutContentTypeIsBinaryOctetStream(t *testing.T) {
	h := newHarness(t, harnessConfig{})
	h.createBucket("bkt")
	resp := h.raw(http.MethodPut, "/bkt/k", []byte("x"), nil)
	wantStatus(t, resp, http.StatusOK, "")
	resp = h.raw(http.MethodHead, "/bkt/k", nil, nil)
	if got := resp.Header.Get("Content-Type"); got != "binary/octet-stream" {
		t.Errorf("Content-Type = %q, want binary/octet-stream", got)
	}
}

func TestMissingObjects(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, harnessConfig{})
	h.createBucket("bkt")
	_, err := h.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("nope")})
	var nsk *types.NoSuchKey
	if !errors.As(err, &nsk) {
		t.Errorf("GetObject of a missing key: %v, want *types.NoSuchKey", err)
	}
	_, err = h.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("nope")})
	var nf *types.NotFound
	if !errors.As(err, &nf) {
		t.Errorf("HeadObject of a missing key: %v, want *types.NotFound", err)
	}
	if _, err := h.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("bkt"), Key: aws.String("nope")}); err != nil {
		t.Errorf("DeleteObject of a missing key: %v, want success", err)
	}
}

func TestGetObjectRange(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, harnessConfig{})
	h.createBucket("bkt")
	h.put("bkt", "digits", []byte("0123456789"))
	for name, tc := range map[string]struct {
		rng, body, contentRange string
	}{
		"a closed range returns those bytes":           {"bytes=2-5", "2345", "bytes 2-5/10"},
		"an open range runs to the end":                {"bytes=7-", "789", "bytes 7-9/10"},
		"a suffix range returns the last bytes":        {"bytes=-3", "789", "bytes 7-9/10"},
		"a suffix longer than the object is all of it": {"bytes=-50", "0123456789", "bytes 0-9/10"},
		"an end past the object is clamped":            {"bytes=8-100", "89", "bytes 8-9/10"},
	} {
		t.Run(name, func(t *testing.T) {
			out, err := h.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("digits"), Range: aws.String(tc.rng)})
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(out.Body)
			out.Body.Close()
			if string(got) != tc.body || aws.ToString(out.ContentRange) != tc.contentRange {
				t.Errorf("body %q range %q, want %q %q", got, aws.ToString(out.ContentRange), tc.body, tc.contentRange)
			}
		})
	}
	t.Run("a range past the end is 416 InvalidRange", func(t *testing.T) {
		_, err := h.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("digits"), Range: aws.String("bytes=10-")})
		wantCode(t, err, "InvalidRange")
		resp := h.raw(http.MethodGet, "/bkt/digits", nil, http.Header{"Range": {"bytes=20-30"}})
		if resp.Header.Get("Content-Range") != "bytes */10" {
			t.Errorf("Content-Range = %q, want bytes */10", resp.Header.Get("Content-Range"))
		}
		wantStatus(t, resp, http.StatusRequestedRangeNotSatisfiable, "InvalidRange")
	})
	t.Run("a malformed range returns the whole object", func(t *testing.T) {
		resp := h.raw(http.MethodGet, "/bkt/digits", nil, http.Header{"Range": {"bytes=5-2"}})
		wantStatus(t, resp, http.StatusOK, "")
	})
}

func TestGetObjectConditions(t *testing.T) {
	h := newHarness(t, harnessConfig{})
	h.createBucket("bkt")
	etag := aws.ToString(h.put("bkt", "k", []byte("v")).ETag)
	before := testEpoch.Add(-time.Hour).Format(http.TimeFormat)
	after := testEpoch.Add(time.Hour).Format(http.TimeFormat)
	for name, tc := range map[string]struct {
		header http.Header
		status int
	}{
		"If-Match with the ETag succeeds":                {http.Header{"If-Match": {etag}}, 200},
		"If-Match with another ETag is 412":              {http.Header{"If-Match": {`"other"`}}, 412},
		"If-None-Match with the ETag is 304":             {http.Header{"If-None-Match": {etag}}, 304},
		"If-None-Match with another ETag succeeds":       {http.Header{"If-None-Match": {`"other"`}}, 200},
		"If-Modified-Since before the write succeeds":    {http.Header{"If-Modified-Since": {before}}, 200},
		"If-Modified-Since after the write is 304":       {http.Header{"If-Modified-Since": {after}}, 304},
		"If-Unmodified-Since before the write is 412":    {http.Header{"If-Unmodified-Since": {before}}, 412},
		"If-Unmodified-Since after the write succeeds":   {http.Header{"If-Unmodified-Since": {after}}, 200},
		"a true If-Match overrides If-Unmodified-Since":  {http.Header{"If-Match": {etag}, "If-Unmodified-Since": {before}}, 200},
		"a false If-None-Match overrides Modified-Since": {http.Header{"If-None-Match": {etag}, "If-Modified-Since": {before}}, 304},
		"If-Match * matches any object":                  {http.Header{"If-Match": {"*"}}, 200},
	} {
		t.Run(name, func(t *testing.T) {
			resp := h.raw(http.MethodGet, "/bkt/k", nil, tc.header)
			code := ""
			if tc.status == 412 {
				code = "PreconditionFailed"
			}
			wantStatus(t, resp, tc.status, code)
		})
	}
}

func TestConditionalPut(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, harnessConfig{})
	h.createBucket("bkt")
	in := func(body string) *s3.PutObjectInput {
		return &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("once"), Body: strings.NewReader(body), IfNoneMatch: aws.String("*")}
	}
	if _, err := h.client.PutObject(ctx, in("first")); err != nil {
		t.Fatalf("first conditional put: %v", err)
	}
	_, err := h.client.PutObject(ctx, in("second"))
	wantCode(t, err, "PreconditionFailed")
	if got := h.get("bkt", "once"); string(got) != "first" {
		t.Errorf("body = %q, want the first write", got)
	}
}

func TestObjectKeysAreNeverPaths(t *testing.T) {
	root := t.TempDir()
	dataDir := filepath.Join(root, "data")
	h := newHarness(t, harnessConfig{dataDir: dataDir})
	h.createBucket("bkt")
	keys := []string{"../../etc/passwd", "a/./b", "a/../b", "/leading", "trailing/", "日本語/ファイル.txt",
		"with space+plus", "percent%2Fencoded", "?query#frag", "..", "."}
	body := func(i int) []byte { return bytes.Repeat([]byte{byte(i)}, 1+i*packThreshold/4) } // packed and files
	for i, key := range keys {
		h.put("bkt", key, body(i))
	}
	for i, key := range keys {
		if got := h.get("bkt", key); !bytes.Equal(got, body(i)) {
			t.Errorf("GET %q = %d bytes, want %d", key, len(got), len(body(i)))
		}
	}
	out, err := h.client.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String("bkt")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Contents) != len(keys) {
		t.Errorf("listed %d keys, want %d", len(out.Contents), len(keys))
	}
	blobName := regexp.MustCompile(`^data/s3/blobs/([0-9a-f]{2}|packs)/[0-9a-f]{32}$`)
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if !blobName.MatchString(rel) && !strings.HasPrefix(rel, "data/db/") {
			t.Errorf("unexpected file %s", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "etc")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a key created %s/etc", root)
	}
}

func TestObjectLimits(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, harnessConfig{})
	h.createBucket("bkt")
	t.Run("a key over 1024 bytes is KeyTooLongError", func(t *testing.T) {
		_, err := h.client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String(strings.Repeat("k", 1025)), Body: strings.NewReader("x")})
		wantCode(t, err, "KeyTooLongError")
	})
	t.Run("a key of 1024 bytes is fine", func(t *testing.T) {
		h.put("bkt", strings.Repeat("k", 1024), []byte("x"))
	})
	t.Run("user metadata over 2 KB is MetadataTooLarge", func(t *testing.T) {
		_, err := h.client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("m"), Body: strings.NewReader("x"),
			Metadata: map[string]string{"big": strings.Repeat("v", 2100)}})
		wantCode(t, err, "MetadataTooLarge")
	})
	t.Run("a PUT announcing more than 5 GiB is EntityTooLarge", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPut, h.srv.URL+"/bkt/huge", strings.NewReader("x"))
		req.ContentLength = 5<<30 + 1
		resp, err := h.srv.Client().Do(req)
		if err != nil {
			t.Skipf("client refused the mismatched length: %v", err)
		}
		defer resp.Body.Close()
		wantStatus(t, resp, http.StatusBadRequest, "EntityTooLarge")
	})
	t.Run("a body shorter than Content-Length is not stored", func(t *testing.T) {
		resp := h.raw(http.MethodPut, "/bkt/short", []byte("abc"), http.Header{"X-Amz-Decoded-Content-Length": {"10"},
			"Content-Encoding": {"aws-chunked"}})
		wantStatus(t, resp, http.StatusBadRequest, "")
		_, err := h.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("short")})
		var nf *types.NotFound
		if !errors.As(err, &nf) {
			t.Errorf("HeadObject after a failed PUT: %v, want NotFound", err)
		}
	})
}

func TestDeleteObjects(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, harnessConfig{})
	h.createBucket("bkt")
	for _, k := range []string{"a", "bkt", "c"} {
		h.put("bkt", k, []byte(k))
	}
	out, err := h.client.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("bkt"), Delete: &types.Delete{
		Objects: []types.ObjectIdentifier{{Key: aws.String("a")}, {Key: aws.String("bkt")}, {Key: aws.String("missing")},
			{Key: aws.String("c"), VersionId: aws.String("not a version")}}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Deleted) != 3 || len(out.Errors) != 1 || aws.ToString(out.Errors[0].Code) != "InvalidArgument" {
		t.Fatalf("DeleteObjects = %d deleted, errors %+v; want 3 deleted and one InvalidArgument", len(out.Deleted), out.Errors)
	}
	list, _ := h.client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("bkt")})
	if len(list.Contents) != 1 || aws.ToString(list.Contents[0].Key) != "c" {
		t.Errorf("left %+v, want only c", list.Contents)
	}
	quiet, err := h.client.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("bkt"), Delete: &types.Delete{
		Quiet: aws.Bool(true), Objects: []types.ObjectIdentifier{{Key: aws.String("c")}}}})
	if err != nil || len(quiet.Deleted) != 0 {
		t.Errorf("quiet DeleteObjects = %+v, %v; want no Deleted entries", quiet, err)
	}
	t.Run("more than 1000 keys is MalformedXML", func(t *testing.T) {
		objs := make([]types.ObjectIdentifier, 1001)
		for i := range objs {
			objs[i] = types.ObjectIdentifier{Key: aws.String("k")}
		}
		_, err := h.client.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("bkt"), Delete: &types.Delete{Objects: objs}})
		wantCode(t, err, "MalformedXML")
	})
	t.Run("a body without Content-MD5 or checksum is refused", func(t *testing.T) {
		resp := h.raw(http.MethodPost, "/bkt?delete", []byte(`<Delete><Object><Key>x</Key></Object></Delete>`), nil)
		wantStatus(t, resp, http.StatusBadRequest, "InvalidRequest")
	})
}

func TestCopyObject(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, harnessConfig{})
	h.createBucket("src")
	h.createBucket("dst")
	if _, err := h.client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("src"), Key: aws.String("dir/a b+c.txt"),
		Body: strings.NewReader("payload"), ContentType: aws.String("text/plain"), Metadata: map[string]string{"k": "v"}}); err != nil {
		t.Fatal(err)
	}
	t.Run("copies body and metadata", func(t *testing.T) {
		out, err := h.client.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("dst"), Key: aws.String("copy"),
			CopySource: aws.String("src/dir/a%20b%2Bc.txt")})
		if err != nil {
			t.Fatal(err)
		}
		sum := md5.Sum([]byte("payload"))
		if aws.ToString(out.CopyObjectResult.ETag) != `"`+hex.EncodeToString(sum[:])+`"` {
			t.Errorf("copy ETag = %s", aws.ToString(out.CopyObjectResult.ETag))
		}
		head, err := h.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("dst"), Key: aws.String("copy")})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(head.ContentType) != "text/plain" || head.Metadata["k"] != "v" {
			t.Errorf("copied headers = %s %v, want text/plain and k=v", aws.ToString(head.ContentType), head.Metadata)
		}
	})
	t.Run("REPLACE takes the request's metadata", func(t *testing.T) {
		if _, err := h.client.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("dst"), Key: aws.String("replaced"),
			CopySource: aws.String("/src/dir/a%20b%2Bc.txt"), MetadataDirective: types.MetadataDirectiveReplace,
			ContentType: aws.String("application/json"), Metadata: map[string]string{"new": "1"}}); err != nil {
			t.Fatal(err)
		}
		head, _ := h.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("dst"), Key: aws.String("replaced")})
		if aws.ToString(head.ContentType) != "application/json" || head.Metadata["new"] != "1" || head.Metadata["k"] != "" {
			t.Errorf("replaced headers = %s %v", aws.ToString(head.ContentType), head.Metadata)
		}
	})
	t.Run("copying onto itself without REPLACE is InvalidRequest", func(t *testing.T) {
		_, err := h.client.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("src"), Key: aws.String("dir/a b+c.txt"),
			CopySource: aws.String("src/dir/a%20b%2Bc.txt")})
		wantCode(t, err, "InvalidRequest")
	})
	t.Run("a missing source is NoSuchKey", func(t *testing.T) {
		_, err := h.client.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("dst"), Key: aws.String("x"), CopySource: aws.String("src/none")})
		wantCode(t, err, "NoSuchKey")
	})
	t.Run("a failed source condition is 412", func(t *testing.T) {
		_, err := h.client.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("dst"), Key: aws.String("x"),
			CopySource: aws.String("src/dir/a%20b%2Bc.txt"), CopySourceIfMatch: aws.String(`"nope"`)})
		wantCode(t, err, "PreconditionFailed")
	})
}

func TestHeaderSetterValuesStayIndependent(t *testing.T) {
	h := http.Header{}
	hs := newHeaderSetter(h, 2)
	hs.set("A", "1")
	hs.set("B", "2")
	hs.set("C", "3") // past the capacity
	h.Add("A", "x")
	h.Add("B", "y")
	want := http.Header{"A": {"1", "x"}, "B": {"2", "y"}, "C": {"3"}}
	if !reflect.DeepEqual(h, want) {
		t.Errorf("header = %v, want %v", h, want)
	}
}
