package handler

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// recordedRequest is what an S3 stub saw of one request.
type recordedRequest struct {
	method, path string
	header       http.Header
	body         []byte
}

// s3Stub starts an HTTPS server that answers every GET with body and every
// PUT with an ETag, and records the requests.
func s3Stub(t *testing.T, body []byte) (*httptest.Server, func() []recordedRequest) {
	t.Helper()
	var (
		mu   sync.Mutex
		reqs []recordedRequest
	)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, _ := io.ReadAll(r.Body)
		mu.Lock()
		reqs = append(reqs, recordedRequest{method: r.Method, path: r.URL.Path, header: r.Header.Clone(), body: data})
		mu.Unlock()
		w.Header().Set("ETag", `"0123456789abcdef0123456789abcdef"`)
		if r.Method == http.MethodGet {
			w.Write(body)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, func() []recordedRequest {
		mu.Lock()
		defer mu.Unlock()
		return append([]recordedRequest(nil), reqs...)
	}
}

func TestNewS3Client_catalogsOverHTTPSWithoutSDKChecksums(t *testing.T) {
	// GIVEN the function's S3 client against an HTTPS endpoint, as on
	// Lambda, from a configuration asking for checksums whenever supported
	// (what config.LoadDefaultConfig resolves when nothing is set)
	data := []byte("hello, catalog\n")
	srv, requests := s3Stub(t, data)
	client := NewS3Client(aws.Config{
		Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), HTTPClient: srv.Client(),
		Credentials:                credentials.NewStaticCredentialsProvider("test", "test", ""),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenSupported,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenSupported,
	})
	h, _ := testHandler(t, ActionCatalog, client)

	// WHEN an object is cataloged
	if _, err := runRecord(t, h, "uploads/notes.txt"); err != nil {
		t.Fatal(err)
	}

	// THEN the GET asks for no checksum and the PUT carries the entry as
	// is: no checksum header, no aws-chunked trailer
	reqs := requests()
	if len(reqs) != 2 || reqs[0].method != http.MethodGet || reqs[1].method != http.MethodPut {
		t.Fatalf("requests = %+v, want a GET then a PUT", reqs)
	}
	if got := reqs[0].header.Get("X-Amz-Checksum-Mode"); got != "" {
		t.Errorf("GET x-amz-checksum-mode = %q, want none", got)
	}
	put := reqs[1]
	for name := range put.header {
		if strings.HasPrefix(strings.ToLower(name), "x-amz-checksum-") || strings.EqualFold(name, "X-Amz-Sdk-Checksum-Algorithm") ||
			strings.EqualFold(name, "X-Amz-Trailer") {
			t.Errorf("PUT has header %s: %q", name, put.header.Values(name))
		}
	}
	if enc := put.header.Get("Content-Encoding"); enc != "" {
		t.Errorf("PUT Content-Encoding = %q, want none", enc)
	}
	entry := decodeEntry(t, put.body)
	if entry.SHA256 != sha256Hex(data) || entry.Size != int64(len(data)) {
		t.Errorf("entry = %+v, want the object's hash and size", entry)
	}
}

func TestNewS3Client_addressesACustomEndpointByPath(t *testing.T) {
	srv, requests := s3Stub(t, []byte("x"))
	client := NewS3Client(aws.Config{
		Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), HTTPClient: srv.Client(),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
	h, _ := testHandler(t, ActionCatalog, client)

	if _, err := runRecord(t, h, "uploads/a b.txt"); err != nil {
		t.Fatal(err)
	}

	var paths []string
	for _, r := range requests() {
		paths = append(paths, r.path)
	}
	want := []string{"/" + testBucket + "/uploads/a b.txt", "/" + testBucket + "/catalog/a b.txt.json"}
	if !slices.Equal(paths, want) {
		t.Errorf("paths = %q, want %q", paths, want)
	}
}
