package s3

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func checksumOf(alg string, data []byte) string {
	h := newChecksum(alg)
	h.Write(data)
	return b64(h.Sum(nil))
}

// recordingHandler remembers the headers of the requests it passes on.
type recordingHandler struct {
	next    http.Handler
	headers []http.Header
}

func (r *recordingHandler) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.headers = append(r.headers, req.Header.Clone())
	r.next.ServeHTTP(w, req)
}

func TestSDKDefaultChecksumsAreVerifiedAndReturned(t *testing.T) {
	for name, useTLS := range map[string]bool{
		"over HTTP the SDK sends the CRC32 as a header":             false,
		"over HTTPS the SDK sends aws-chunked with a CRC32 trailer": true,
	} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			h := newHarness(t, harnessConfig{tls: useTLS})
			rec := &recordingHandler{next: h.svc}
			h.srv.Config.Handler = rec
			h.createBucket("sums")
			body := bytes.Repeat([]byte("checksummed "), 10000)
			put, err := h.client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("sums"), Key: aws.String("k"), Body: bytes.NewReader(body)})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := aws.ToString(put.ChecksumCRC32), checksumOf(algCRC32, body); got != want {
				t.Errorf("PutObject ChecksumCRC32 = %s, want %s", got, want)
			}
			last := rec.headers[len(rec.headers)-1]
			chunked := strings.Contains(last.Get("Content-Encoding"), "aws-chunked")
			if chunked != useTLS {
				t.Errorf("request aws-chunked = %v (headers %v), want %v", chunked, last, useTLS)
			}
			get, err := h.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("sums"), Key: aws.String("k"), ChecksumMode: types.ChecksumModeEnabled})
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(get.Body) // the SDK validates the CRC32 while reading
			get.Body.Close()
			if err != nil || !bytes.Equal(got, body) {
				t.Fatalf("GET = %d bytes, %v", len(got), err)
			}
			if aws.ToString(get.ChecksumCRC32) != checksumOf(algCRC32, body) {
				t.Errorf("GetObject ChecksumCRC32 = %s", aws.ToString(get.ChecksumCRC32))
			}
		})
	}
}

func TestEveryChecksumAlgorithmRoundTrips(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, harnessConfig{tls: true})
	h.createBucket("sums")
	body := []byte("The quick brown fox jumps over the lazy dog")
	for _, alg := range []types.ChecksumAlgorithm{types.ChecksumAlgorithmCrc32, types.ChecksumAlgorithmCrc32c,
		types.ChecksumAlgorithmCrc64nvme, types.ChecksumAlgorithmSha1, types.ChecksumAlgorithmSha256} {
		t.Run(string(alg), func(t *testing.T) {
			key := "k-" + string(alg)
			if _, err := h.client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("sums"), Key: aws.String(key),
				Body: bytes.NewReader(body), ChecksumAlgorithm: alg}); err != nil {
				t.Fatal(err)
			}
			head, err := h.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("sums"), Key: aws.String(key), ChecksumMode: types.ChecksumModeEnabled})
			if err != nil {
				t.Fatal(err)
			}
			got := map[types.ChecksumAlgorithm]*string{types.ChecksumAlgorithmCrc32: head.ChecksumCRC32, types.ChecksumAlgorithmCrc32c: head.ChecksumCRC32C,
				types.ChecksumAlgorithmCrc64nvme: head.ChecksumCRC64NVME, types.ChecksumAlgorithmSha1: head.ChecksumSHA1, types.ChecksumAlgorithmSha256: head.ChecksumSHA256}[alg]
			if aws.ToString(got) != checksumOf(string(alg), body) {
				t.Errorf("HeadObject checksum = %s, want %s", aws.ToString(got), checksumOf(string(alg), body))
			}
			get, err := h.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("sums"), Key: aws.String(key), ChecksumMode: types.ChecksumModeEnabled})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.ReadAll(get.Body); err != nil {
				t.Errorf("SDK validation of the returned %s: %v", alg, err)
			}
			get.Body.Close()
		})
	}
}

func TestCRC64NVMEMatchesTheReferenceCheckValue(t *testing.T) {
	// CRC-64/NVME check value over "123456789" (the CRC catalogue's
	// standard test input): 0xAE8B14860A799888.
	h := newChecksum(algCRC64NVME)
	h.Write([]byte("123456789"))
	if got := fmt.Sprintf("%X", h.Sum(nil)); got != "AE8B14860A799888" {
		t.Errorf("CRC64NVME(123456789) = %s, want AE8B14860A799888", got)
	}
}

func TestObjectsWithoutChecksumGetCRC64NVME(t *testing.T) {
	h := newHarness(t, harnessConfig{})
	h.createBucket("sums")
	wantStatus(t, h.raw(http.MethodPut, "/sums/plain", []byte("abc"), nil), http.StatusOK, "")
	resp := h.raw(http.MethodHead, "/sums/plain", nil, http.Header{"X-Amz-Checksum-Mode": {"ENABLED"}})
	if got := resp.Header.Get("X-Amz-Checksum-Crc64nvme"); got != checksumOf(algCRC64NVME, []byte("abc")) {
		t.Errorf("x-amz-checksum-crc64nvme = %q", got)
	}
}

func TestBadDigestsAreRefused(t *testing.T) {
	h := newHarness(t, harnessConfig{})
	h.createBucket("sums")
	body := []byte("payload")
	wrongMD5 := md5.Sum([]byte("other"))
	for name, tc := range map[string]struct {
		header http.Header
		status int
		code   string
	}{
		"a wrong Content-MD5 is BadDigest":           {http.Header{"Content-Md5": {b64(wrongMD5[:])}}, 400, "BadDigest"},
		"a malformed Content-MD5 is InvalidDigest":   {http.Header{"Content-Md5": {"not base64!"}}, 400, "InvalidDigest"},
		"a wrong CRC32 header is BadDigest":          {http.Header{"X-Amz-Checksum-Crc32": {checksumOf(algCRC32, []byte("x"))}}, 400, "BadDigest"},
		"a malformed CRC32 header is InvalidRequest": {http.Header{"X-Amz-Checksum-Crc32": {"AAAA"}}, 400, "InvalidRequest"},
		"two checksum headers are InvalidRequest": {http.Header{"X-Amz-Checksum-Crc32": {checksumOf(algCRC32, body)},
			"X-Amz-Checksum-Sha1": {checksumOf(algSHA1, body)}}, 400, "InvalidRequest"},
		"a wrong x-amz-content-sha256 is XAmzContentSHA256Mismatch": {http.Header{"X-Amz-Content-Sha256": {strings.Repeat("0", 64)}}, 400, "XAmzContentSHA256Mismatch"},
		"a right CRC32C header is accepted":                         {http.Header{"X-Amz-Checksum-Crc32c": {checksumOf(algCRC32C, body)}}, 200, ""},
	} {
		t.Run(name, func(t *testing.T) {
			wantStatus(t, h.raw(http.MethodPut, "/sums/k", body, tc.header), tc.status, tc.code)
		})
	}
}

// chunkedBody frames data as aws-chunked with chunks of size n, optional
// chunk signatures and trailers.
func chunkedBody(data []byte, n int, signed bool, trailers ...string) []byte {
	var b bytes.Buffer
	ext := ""
	if signed {
		ext = ";chunk-signature=" + strings.Repeat("a", 64)
	}
	for len(data) > 0 {
		c := data[:min(n, len(data))]
		data = data[len(c):]
		fmt.Fprintf(&b, "%x%s\r\n%s\r\n", len(c), ext, c)
	}
	fmt.Fprintf(&b, "0%s\r\n", ext)
	for _, t := range trailers {
		b.WriteString(t + "\r\n")
	}
	b.WriteString("\r\n")
	return b.Bytes()
}

func TestAWSChunkedBodies(t *testing.T) {
	h := newHarness(t, harnessConfig{})
	h.createBucket("sums")
	data := bytes.Repeat([]byte("0123456789abcdef"), 1000)
	for name, tc := range map[string]struct {
		body   []byte
		header http.Header
		status int
		code   string
	}{
		"unsigned chunks with a right CRC32 trailer are stored": {
			body: chunkedBody(data, 4096, false, "x-amz-checksum-crc32:"+checksumOf(algCRC32, data)),
			header: http.Header{"X-Amz-Content-Sha256": {"STREAMING-UNSIGNED-PAYLOAD-TRAILER"}, "Content-Encoding": {"aws-chunked"},
				"X-Amz-Trailer": {"x-amz-checksum-crc32"}, "X-Amz-Decoded-Content-Length": {fmt.Sprint(len(data))}},
			status: 200,
		},
		"a wrong CRC32 trailer is BadDigest": {
			body: chunkedBody(data, 4096, false, "x-amz-checksum-crc32:"+checksumOf(algCRC32, []byte("x"))),
			header: http.Header{"X-Amz-Content-Sha256": {"STREAMING-UNSIGNED-PAYLOAD-TRAILER"}, "Content-Encoding": {"aws-chunked"},
				"X-Amz-Trailer": {"x-amz-checksum-crc32"}, "X-Amz-Decoded-Content-Length": {fmt.Sprint(len(data))}},
			status: 400, code: "BadDigest",
		},
		"signed chunks are decoded without verifying signatures": {
			body:   chunkedBody(data, 8192, true),
			header: http.Header{"X-Amz-Content-Sha256": {"STREAMING-AWS4-HMAC-SHA256-PAYLOAD"}, "X-Amz-Decoded-Content-Length": {fmt.Sprint(len(data))}},
			status: 200,
		},
		"signed chunks with a SHA256 trailer are stored": {
			body: chunkedBody(data, 8192, true, "x-amz-checksum-sha256:"+checksumOf(algSHA256, data), "x-amz-trailer-signature:abc"),
			header: http.Header{"X-Amz-Content-Sha256": {"STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"}, "X-Amz-Trailer": {"x-amz-checksum-sha256"},
				"X-Amz-Decoded-Content-Length": {fmt.Sprint(len(data))}},
			status: 200,
		},
		"a decoded length that does not match is IncompleteBody": {
			body:   chunkedBody(data, 4096, false),
			header: http.Header{"X-Amz-Content-Sha256": {"STREAMING-UNSIGNED-PAYLOAD-TRAILER"}, "X-Amz-Decoded-Content-Length": {"5"}},
			status: 400, code: "IncompleteBody",
		},
		"broken framing is refused": {
			body:   []byte("zz\r\nabc"),
			header: http.Header{"X-Amz-Content-Sha256": {"STREAMING-UNSIGNED-PAYLOAD-TRAILER"}, "X-Amz-Decoded-Content-Length": {"3"}},
			status: 400, code: "InvalidRequest",
		},
	} {
		t.Run(name, func(t *testing.T) {
			wantStatus(t, h.raw(http.MethodPut, "/sums/chunked", tc.body, tc.header), tc.status, tc.code)
			if tc.status == 200 {
				if got := h.get("sums", "chunked"); !bytes.Equal(got, data) {
					t.Errorf("stored %d bytes, want the %d decoded bytes", len(got), len(data))
				}
				resp := h.raw(http.MethodHead, "/sums/chunked", nil, nil)
				if ce := resp.Header.Get("Content-Encoding"); ce != "" {
					t.Errorf("stored Content-Encoding = %q, want aws-chunked stripped", ce)
				}
			}
		})
	}
}

func TestChunkReaderDecodes(t *testing.T) {
	for name, tc := range map[string]struct {
		in      string
		out     string
		trailer string
		bad     bool
	}{
		"one chunk":                 {in: "5\r\nhello\r\n0\r\n\r\n", out: "hello"},
		"several chunks":            {in: "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n", out: "abcde"},
		"a trailer":                 {in: "1\r\nx\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n", out: "x", trailer: "AAAAAA=="},
		"a trailer at the very end": {in: "1\r\nx\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n", out: "x", trailer: "AAAAAA=="},
		"signatures":                {in: "1;chunk-signature=ab\r\nx\r\n0;chunk-signature=cd\r\n\r\n", out: "x"},
		"an empty body":             {in: "0\r\n\r\n", out: ""},
		"a non-hex size":            {in: "g\r\nx\r\n0\r\n\r\n", bad: true},
		"a short chunk":             {in: "5\r\nab", bad: true},
		"no CRLF after data":        {in: "1\r\nxy0\r\n\r\n", bad: true},
		"a huge size":               {in: "fffffffffffffffff\r\n", bad: true},
		"a trailer without colon":   {in: "0\r\nnocolon\r\n\r\n", bad: true},
	} {
		t.Run(name, func(t *testing.T) {
			c := newChunkReader(strings.NewReader(tc.in))
			got, err := io.ReadAll(c)
			if tc.bad {
				if err == nil {
					t.Fatalf("decoded %q, want an error", got)
				}
				return
			}
			if err != nil || string(got) != tc.out {
				t.Fatalf("decoded %q, %v; want %q", got, err, tc.out)
			}
			if c.Trailer("x-amz-checksum-crc32") != tc.trailer {
				t.Errorf("trailer = %q, want %q", c.Trailer("x-amz-checksum-crc32"), tc.trailer)
			}
		})
	}
}

func FuzzChunkReader(f *testing.F) {
	f.Add([]byte("5\r\nhello\r\n0\r\n\r\n"))
	f.Add(chunkedBody([]byte("data data data"), 4, true, "x-amz-checksum-crc32:AAAAAA=="))
	f.Add([]byte("0\r\n"))
	f.Add([]byte("ffffffff\r\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		c := newChunkReader(bytes.NewReader(in))
		out, err := io.ReadAll(c)
		if err == nil && len(out) > len(in) {
			t.Fatalf("decoded %d bytes from %d", len(out), len(in))
		}
	})
}

// FuzzRequestBodies sends arbitrary bodies to the XML-decoding and
// aws-chunked paths of the service; none may panic or answer 5xx.
func FuzzRequestBodies(f *testing.F) {
	f.Add(0, []byte(`<Delete><Object><Key>a</Key></Object></Delete>`))
	f.Add(1, []byte(`<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"x"</ETag></Part></CompleteMultipartUpload>`))
	f.Add(2, []byte(`<NotificationConfiguration><TopicConfiguration><Topic>arn</Topic><Event>s3:ObjectCreated:*</Event></TopicConfiguration></NotificationConfiguration>`))
	f.Add(3, []byte(`<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>`))
	f.Add(4, chunkedBody([]byte("abc"), 2, false, "x-amz-checksum-crc32:AAAAAA=="))
	f.Add(5, []byte(`<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>`))
	svc, err := New(newHarnessEnv(f), Options{})
	if err != nil {
		f.Fatal(err)
	}
	mustServe(f, svc, http.MethodPut, "/fuzz", nil, nil)
	up := mustServe(f, svc, http.MethodPost, "/fuzz/mpu?uploads", nil, nil)
	uploadID := between(up, "<UploadId>", "</UploadId>")
	targets := []struct {
		method, path string
		header       http.Header
	}{
		{http.MethodPost, "/fuzz?delete", http.Header{"Content-Md5": {""}}},
		{http.MethodPost, "/fuzz/mpu?uploadId=" + uploadID, nil},
		{http.MethodPut, "/fuzz?notification", nil},
		{http.MethodPut, "/fuzz?tagging", nil},
		{http.MethodPut, "/fuzz/obj", http.Header{"X-Amz-Content-Sha256": {"STREAMING-UNSIGNED-PAYLOAD-TRAILER"}, "X-Amz-Trailer": {"x-amz-checksum-crc32"}}},
		{http.MethodPut, "/fuzz?versioning", nil},
	}
	f.Fuzz(func(t *testing.T, target int, body []byte) {
		if target < 0 {
			target = -target
		}
		tg := targets[target%len(targets)]
		header := tg.header.Clone()
		if tg.path == "/fuzz?delete" {
			sum := md5.Sum(body)
			header = http.Header{"Content-Md5": {b64(sum[:])}}
		}
		req := httptest.NewRequest(tg.method, tg.path, bytes.NewReader(body))
		for k, v := range header {
			req.Header[k] = v
		}
		rec := httptest.NewRecorder()
		svc.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s answered %d: %s", tg.method, tg.path, rec.Code, rec.Body)
		}
	})
}

func TestChecksumHeaderNamesMatchTheirAlgorithms(t *testing.T) {
	for _, alg := range algorithms {
		if got, want := checksumHeader(alg), "x-amz-checksum-"+strings.ToLower(alg); got != want {
			t.Errorf("checksumHeader(%s) = %s, want %s", alg, got, want)
		}
		if got, want := canonicalChecksumHeader(alg), http.CanonicalHeaderKey(checksumHeader(alg)); got != want {
			t.Errorf("canonicalChecksumHeader(%s) = %s, want %s", alg, got, want)
		}
	}
}
