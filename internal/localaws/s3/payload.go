package s3

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// copyBuffers recycles the buffers bodies stream through.
var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 64<<10); return &b }}

// An ingest reads a request body as S3 receives it: it undoes aws-chunked
// framing, enforces the size limit, and computes the MD5 (the ETag), the
// flexible checksum and the payload SHA-256 while the body streams, so that
// verify can check them against the headers and trailers the client sent
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html).
type ingest struct {
	body     io.Reader
	chunks   *chunkReader // nil unless aws-chunked
	declared int64        // decoded length the client announced, -1 if none
	max      int64
	n        int64

	md5     hash.Hash
	wantMD5 []byte

	sha     hash.Hash // nil unless x-amz-content-sha256 is a digest
	wantSHA []byte

	alg     string    // checksum algorithm, "" for none
	sum     hash.Hash // nil when alg is ""
	want    string    // the checksum value sent as a header
	trailer bool      // the checksum value comes as a trailer
}

// newIngest prepares to read r's body of at most max decoded bytes. When the
// client names no checksum algorithm, defaultAlg (if any) is computed
// anyway, as S3 computes CRC64NVME for every new object.
func newIngest(r *http.Request, max int64, defaultAlg string) (*ingest, error) {
	in := &ingest{body: r.Body, declared: r.ContentLength, max: max, md5: md5.New()}
	contentSHA := r.Header.Get("X-Amz-Content-Sha256")
	if strings.HasPrefix(contentSHA, "STREAMING-") || hasToken(r.Header.Get("Content-Encoding"), "aws-chunked") {
		in.chunks = newChunkReader(r.Body)
		in.body = in.chunks
		in.declared = -1
		if v := r.Header.Get("X-Amz-Decoded-Content-Length"); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return nil, errInvalidArgument("x-amz-decoded-content-length", v, "Invalid x-amz-decoded-content-length.")
			}
			in.declared = n
		}
	} else if len(contentSHA) == 64 {
		want, err := hex.DecodeString(contentSHA)
		if err != nil {
			return nil, errInvalidArgument("x-amz-content-sha256", contentSHA, "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-… or a valid sha256 value.")
		}
		in.sha, in.wantSHA = sha256.New(), want
	}
	if in.declared > max {
		return nil, errEntityTooLarge(max)
	}
	if v := r.Header.Get("Content-MD5"); v != "" {
		b, err := base64.StdEncoding.DecodeString(v)
		if err != nil || len(b) != md5.Size {
			return nil, errInvalidDigest()
		}
		in.wantMD5 = b
	}
	alg, want, trailer, err := requestedChecksum(r.Header)
	if err != nil {
		return nil, err
	}
	if alg == "" {
		alg = defaultAlg
	}
	if alg != "" {
		in.alg, in.sum, in.want, in.trailer = alg, newChecksum(alg), want, trailer
	}
	return in, nil
}

func errInvalidDigest() error {
	return errInvalidRequestCode("InvalidDigest", "The Content-MD5 you specified was invalid.")
}

func errInvalidRequestCode(code, msg string) error {
	e := errInvalidRequest("%s", msg)
	e.Code = code
	return e
}

// hasToken reports whether a comma-separated header value lists token.
func hasToken(header, token string) bool {
	for header != "" {
		var t string
		t, header, _ = strings.Cut(header, ",")
		if strings.EqualFold(strings.TrimSpace(t), token) {
			return true
		}
	}
	return false
}

func (in *ingest) Read(p []byte) (int, error) {
	n, err := in.body.Read(p)
	if n > 0 {
		in.n += int64(n)
		if in.n > in.max {
			return 0, errEntityTooLarge(in.max)
		}
		in.md5.Write(p[:n])
		if in.sum != nil {
			in.sum.Write(p[:n])
		}
		if in.sha != nil {
			in.sha.Write(p[:n])
		}
	}
	return n, err
}

// copyTo streams the whole body into w.
func (in *ingest) copyTo(w io.Writer) error {
	bp := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(bp)
	_, err := io.CopyBuffer(onlyWriter{w}, in, *bp)
	if err == nil {
		return nil
	}
	if _, ok := asAWSError(err); ok {
		return err
	}
	var wErr writeError
	if errors.As(err, &wErr) {
		return wErr.err
	}
	if errors.Is(err, errChunkFormat) {
		return errInvalidRequest("The aws-chunked body is malformed.")
	}
	return errIncompleteBody()
}

// onlyWriter hides io.ReaderFrom so that io.CopyBuffer reads through the
// ingest, and tags write failures apart from read failures.
type onlyWriter struct{ w io.Writer }

type writeError struct{ err error }

func (e writeError) Error() string { return e.err.Error() }

func (o onlyWriter) Write(p []byte) (int, error) {
	n, err := o.w.Write(p)
	if err != nil {
		return n, writeError{err}
	}
	return n, nil
}

// digest is what an ingest computed over a verified body.
type digest struct {
	size     int64
	md5      []byte
	alg      string
	checksum string // base64
}

// etag is the quoted hex MD5, S3's ETag of a single-part object.
func (d digest) etag() string { return `"` + hex.EncodeToString(d.md5) + `"` }

// verify checks the body that was read against the announced length and
// every digest the client sent.
func (in *ingest) verify() (digest, error) {
	if in.declared >= 0 && in.n != in.declared {
		return digest{}, errIncompleteBody()
	}
	d := digest{size: in.n, md5: in.md5.Sum(nil), alg: in.alg}
	if in.wantMD5 != nil && !bytes.Equal(in.wantMD5, d.md5) {
		return digest{}, errInvalidRequestCode("BadDigest", "The Content-MD5 you specified did not match what we received.")
	}
	if in.sha != nil && !bytes.Equal(in.wantSHA, in.sha.Sum(nil)) {
		return digest{}, errInvalidRequestCode("XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.")
	}
	if in.sum == nil {
		return d, nil
	}
	sum := in.sum.Sum(nil)
	d.checksum = base64.StdEncoding.EncodeToString(sum)
	want := in.want
	if in.trailer {
		if in.chunks == nil || in.chunks.Trailer(checksumHeader(in.alg)) == "" {
			return digest{}, errInvalidRequest("The x-amz-trailer header names %s but no such trailer was sent.", checksumHeader(in.alg))
		}
		want = in.chunks.Trailer(checksumHeader(in.alg))
	}
	if want == "" {
		return d, nil
	}
	wantSum, ok := decodeChecksum(in.alg, want)
	if !ok {
		return digest{}, errInvalidRequest("Value for %s header is invalid.", checksumHeader(in.alg))
	}
	if !bytes.Equal(wantSum, sum) {
		return digest{}, errBadDigest(in.alg)
	}
	return d, nil
}
