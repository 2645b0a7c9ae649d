package s3

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

func listAllV2(t *testing.T, h *harness, in *s3.ListObjectsV2Input) (keys, prefixes []string) {
	t.Helper()
	p := s3.NewListObjectsV2Paginator(h.client, in)
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
		for _, cp := range page.CommonPrefixes {
			prefixes = append(prefixes, aws.ToString(cp.Prefix))
		}
	}
	return keys, prefixes
}

func TestListObjectsV2(t *testing.T) {
	h := newHarness(t, harnessConfig{})
	h.createBucket("lst")
	all := []string{"a.txt", "dir/1", "dir/2", "dir/sub/3", "dir2/4", "z"}
	for _, k := range all {
		h.put("lst", k, []byte(k))
	}
	for name, tc := range map[string]struct {
		in       s3.ListObjectsV2Input
		keys     []string
		prefixes []string
	}{
		"everything, one key a page": {in: s3.ListObjectsV2Input{MaxKeys: aws.Int32(1)}, keys: all},
		"a prefix":                   {in: s3.ListObjectsV2Input{Prefix: aws.String("dir/")}, keys: []string{"dir/1", "dir/2", "dir/sub/3"}},
		"a delimiter groups common prefixes": {in: s3.ListObjectsV2Input{Delimiter: aws.String("/")},
			keys: []string{"a.txt", "z"}, prefixes: []string{"dir/", "dir2/"}},
		"a delimiter under a prefix, paged": {in: s3.ListObjectsV2Input{Prefix: aws.String("dir/"), Delimiter: aws.String("/"), MaxKeys: aws.Int32(1)},
			keys: []string{"dir/1", "dir/2"}, prefixes: []string{"dir/sub/"}},
		"common prefixes paged one at a time": {in: s3.ListObjectsV2Input{Delimiter: aws.String("/"), MaxKeys: aws.Int32(1)},
			keys: []string{"a.txt", "z"}, prefixes: []string{"dir/", "dir2/"}},
		"start-after skips keys": {in: s3.ListObjectsV2Input{StartAfter: aws.String("dir/2")}, keys: []string{"dir/sub/3", "dir2/4", "z"}},
	} {
		t.Run(name, func(t *testing.T) {
			in := tc.in
			in.Bucket = aws.String("lst")
			keys, prefixes := listAllV2(t, h, &in)
			if !slices.Equal(keys, tc.keys) || !slices.Equal(prefixes, tc.prefixes) {
				t.Errorf("keys %v prefixes %v, want %v %v", keys, prefixes, tc.keys, tc.prefixes)
			}
		})
	}
	t.Run("a bad continuation token is InvalidArgument", func(t *testing.T) {
		_, err := h.client.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String("lst"), ContinuationToken: aws.String("!!")})
		wantCode(t, err, "InvalidArgument")
	})
}

func TestListingsURLEncodeKeysOnRequest(t *testing.T) {
	h := newHarness(t, harnessConfig{})
	h.createBucket("enc")
	h.put("enc", "a b+c/ü", []byte("x"))
	resp := h.raw(http.MethodGet, "/enc?list-type=2&encoding-type=url&delimiter=%2F", nil, nil)
	body := readBody(t, resp)
	if !strings.Contains(body, "<Prefix>a%20b%2Bc/</Prefix>") || !strings.Contains(body, "<EncodingType>url</EncodingType>") {
		t.Errorf("encoded listing = %s", body)
	}
	resp = h.raw(http.MethodGet, "/enc?encoding-type=url", nil, nil)
	body = readBody(t, resp)
	if !strings.Contains(body, "<Key>a%20b%2Bc/%C3%BC</Key>") {
		t.Errorf("encoded v1 listing = %s", body)
	}
	if got, _ := url.PathUnescape("a%20b%2Bc/%C3%BC"); got != "a b+c/ü" {
		t.Errorf("decoding gives %q", got)
	}
}

func TestListObjectsV1(t *testing.T) {
	h := newHarness(t, harnessConfig{})
	h.createBucket("old")
	for _, k := range []string{"a", "b/1", "b/2", "c"} {
		h.put("old", k, []byte(k))
	}
	var keys, prefixes []string
	in := &s3.ListObjectsInput{Bucket: aws.String("old"), Delimiter: aws.String("/"), MaxKeys: aws.Int32(1)}
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("ListObjects never stops")
		}
		page, err := h.client.ListObjects(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
		for _, cp := range page.CommonPrefixes {
			prefixes = append(prefixes, aws.ToString(cp.Prefix))
		}
		if !aws.ToBool(page.IsTruncated) {
			break
		}
		in.Marker = page.NextMarker
	}
	if !slices.Equal(keys, []string{"a", "c"}) || !slices.Equal(prefixes, []string{"b/"}) {
		t.Errorf("keys %v prefixes %v, want [a c] [b/]", keys, prefixes)
	}
}
