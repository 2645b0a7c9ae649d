package s3

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"testing"
)

// newBenchHandler returns the service on a disk store, with bucket "bench",
// for benchmarks that call ServeHTTP directly.
func newBenchHandler(b *testing.B) *Service {
	b.Helper()
	svc := newDiskService(b)
	mustServe(b, svc, http.MethodPut, "/bench", nil, nil)
	return svc
}

// discardResponse is a ResponseWriter that keeps only the status.
type discardResponse struct {
	h      http.Header
	status int
}

func (d *discardResponse) Header() http.Header         { return d.h }
func (d *discardResponse) WriteHeader(status int)      { d.status = status }
func (d *discardResponse) Write(p []byte) (int, error) { return len(p), nil }

// sdkPutHeaders are the request headers aws-sdk-go-v2 sends with a 1 KiB
// PutObject over plain HTTP (a signed payload and a CRC32 checksum).
func sdkPutHeaders(body []byte) http.Header {
	return http.Header{
		"Authorization":                {"AWS4-HMAC-SHA256 Credential=test/20260301/us-east-1/s3/aws4_request, SignedHeaders=amz-sdk-invocation-id;amz-sdk-request;content-length;host;x-amz-checksum-crc32;x-amz-content-sha256;x-amz-date;x-amz-sdk-checksum-algorithm, Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
		"Amz-Sdk-Invocation-Id":        {"7c3e5c1e-1f0e-4d6a-9b8e-2f1f7f1c0a11"},
		"Amz-Sdk-Request":              {"attempt=1; max=3"},
		"Content-Length":               {fmt.Sprint(len(body))},
		"User-Agent":                   {"aws-sdk-go-v2/1.36.0 ua/2.1 os/linux lang/go#1.26 md/GOOS#linux md/GOARCH#amd64 api/s3#1.79.0 m/E,Z,e"},
		"X-Amz-Checksum-Crc32":         {checksumOf(algCRC32, body)},
		"X-Amz-Content-Sha256":         {checksumHex(body)},
		"X-Amz-Date":                   {"20260301T120000Z"},
		"X-Amz-Sdk-Checksum-Algorithm": {"CRC32"},
		"Accept-Encoding":              {"identity"},
	}
}

// putRequest is a PutObject of body at path as the SDK sends it (hdr).
func putRequest(path string, body []byte, hdr http.Header) *http.Request {
	return &http.Request{Method: http.MethodPut, URL: &url.URL{Path: path}, Host: "127.0.0.1:1", Header: hdr, RemoteAddr: "127.0.0.1:2",
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body))}
}

// serveOK serves r straight into the handler and fails b unless it
// answers 200.
func serveOK(b *testing.B, svc *Service, r *http.Request) {
	w := &discardResponse{h: http.Header{}}
	svc.ServeHTTP(w, r)
	if w.status != http.StatusOK {
		b.Fatalf("status %d", w.status)
	}
}

// BenchmarkServePutObject1KiB measures the handler alone, one request at a
// time: no network, no client, no batching of commits.
func BenchmarkServePutObject1KiB(b *testing.B) {
	svc := newBenchHandler(b)
	body := bytes.Repeat([]byte("x"), 1024)
	hdr := sdkPutHeaders(body)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		serveOK(b, svc, putRequest(fmt.Sprintf("/bench/objects/%08d", i), body, hdr))
	}
}

// BenchmarkServeGetObject1KiB is BenchmarkServePutObject1KiB for GetObject.
func BenchmarkServeGetObject1KiB(b *testing.B) {
	svc := newBenchHandler(b)
	body := bytes.Repeat([]byte("x"), 1024)
	const keys = 1000
	for i := range keys {
		mustServe(b, svc, http.MethodPut, fmt.Sprintf("/bench/objects/%04d", i), body, nil)
	}
	hdr := http.Header{"Authorization": sdkPutHeaders(nil)["Authorization"], "X-Amz-Date": {"20260301T120000Z"},
		"X-Amz-Checksum-Mode": {"ENABLED"}, "X-Amz-Content-Sha256": {checksumHex(nil)}}
	urls := make([]*url.URL, keys)
	for i := range urls {
		urls[i] = &url.URL{Path: fmt.Sprintf("/bench/objects/%04d", i)}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		serveOK(b, svc, &http.Request{Method: http.MethodGet, URL: urls[i%keys], Host: "127.0.0.1:1", Header: hdr,
			RemoteAddr: "127.0.0.1:2", Body: http.NoBody})
	}
}

// checksumHex is the hex SHA-256 of data, as x-amz-content-sha256 carries it.
func checksumHex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// BenchmarkServePutObjectIntoBucketOf measures PutObject of new random keys
// into a bucket that already holds 0, 100,000 or 1,000,000 keys (put into
// its index directly, without bodies): the cost of a PUT must not grow
// with the bucket.
//
//	go test ./internal/localaws/s3 -run '^$' -bench ServePutObjectIntoBucketOf -benchtime 5000x
func BenchmarkServePutObjectIntoBucketOf(b *testing.B) {
	for _, n := range []int{0, 100_000, 1_000_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			svc := newBenchHandler(b)
			bk := svc.buckets["bench"]
			rng := rand.New(rand.NewPCG(1, uint64(n)))
			for i := range n {
				bk.insert(&objectVersion{Key: fmt.Sprintf("objects/%016x", rng.Uint64()), Seq: uint64(i + 1)})
			}
			body := bytes.Repeat([]byte("x"), 1024)
			hdr := sdkPutHeaders(body)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				serveOK(b, svc, putRequest(fmt.Sprintf("/bench/objects/%016x", rng.Uint64()), body, hdr))
			}
		})
	}
}

// BenchmarkServeListObjectsV2Delimiter lists a bucket of 1,000,000 keys
// under 10 top-level prefixes with delimiter "/": one page of 10 common
// prefixes, which must not take a step per key.
//
//	go test ./internal/localaws/s3 -run '^$' -bench ServeListObjectsV2Delimiter
func BenchmarkServeListObjectsV2Delimiter(b *testing.B) {
	svc := newBenchHandler(b)
	bk := svc.buckets["bench"]
	for i := range 1_000_000 {
		bk.insert(&objectVersion{Key: fmt.Sprintf("dir%d/%08d", i%10, i), Seq: uint64(i + 1)})
	}
	hdr := http.Header{"Authorization": sdkPutHeaders(nil)["Authorization"], "X-Amz-Date": {"20260301T120000Z"},
		"X-Amz-Content-Sha256": {checksumHex(nil)}}
	u := &url.URL{Path: "/bench", RawQuery: "list-type=2&delimiter=%2F"}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		serveOK(b, svc, &http.Request{Method: http.MethodGet, URL: u, Host: "127.0.0.1:1", Header: hdr, RemoteAddr: "127.0.0.1:2", Body: http.NoBody})
	}
}
