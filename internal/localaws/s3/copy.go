package s3

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// maxCopySize is the largest object CopyObject copies in one request
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html).
const maxCopySize = 5 << 30

// copySource is a parsed x-amz-copy-source header.
type copySource struct {
	bucket, key, versionID string
}

// parseCopySource parses "bucket/key" or "/bucket/key", URL-encoded, with an
// optional "?versionId=…".
func parseCopySource(h string) (copySource, error) {
	path, query, _ := strings.Cut(h, "?")
	path, err := url.PathUnescape(strings.TrimPrefix(path, "/"))
	if err != nil {
		return copySource{}, errInvalidArgument("x-amz-copy-source", h, "Invalid copy source encoding")
	}
	bucket, key, ok := strings.Cut(path, "/")
	if !ok || bucket == "" || key == "" {
		return copySource{}, errInvalidArgument("x-amz-copy-source", h, "Invalid copy source object key")
	}
	src := copySource{bucket: bucket, key: key}
	if query != "" {
		q, err := url.ParseQuery(query)
		if err != nil {
			return copySource{}, errInvalidArgument("x-amz-copy-source", h, "Invalid copy source version id")
		}
		src.versionID = q.Get("versionId")
	}
	if err := checkKey(key); err != nil {
		return copySource{}, err
	}
	return src, nil
}

// openCopySource finds and pins the source version of a copy and checks the
// x-amz-copy-source-if-* conditions. The caller unpins the version.
func (s *Service) openCopySource(r *http.Request) (copySource, *objectVersion, error) {
	src, err := parseCopySource(r.Header.Get("X-Amz-Copy-Source"))
	if err != nil {
		return src, nil, err
	}
	v, _, err := s.findVersion(src.bucket, src.key, src.versionID)
	if err != nil {
		return src, nil, err
	}
	fail := func(err error) (copySource, *objectVersion, error) {
		s.unpin(v)
		return src, nil, err
	}
	if v.DeleteMarker {
		if src.versionID != "" {
			return fail(errInvalidRequest("The source of a copy request may not specifically refer to a delete marker by version id."))
		}
		return fail(errNoSuchKey(src.key))
	}
	h := http.Header{}
	for _, name := range []string{"If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since"} {
		if val := r.Header.Get("X-Amz-Copy-Source-" + name); val != "" {
			h.Set(name, val)
		}
	}
	// A copy treats a not-modified source as a failed precondition (412).
	if outcome, cond := readPreconditions(h, v.ETag, v.Modified); outcome != condOK {
		if cond == "" {
			cond = "x-amz-copy-source-If-None-Match"
		}
		return fail(errPreconditionFailed(cond))
	}
	return src, v, nil
}

// copyRange streams n bytes of v from offset off into a new blob through the
// same hashing as an upload; alg names the checksum to compute.
func (s *Service) copyRange(v *objectVersion, off, n int64, alg string) ([]segment, digest, error) {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(s.writeBody(pw, v, off, n)) }()
	defer pr.Close()
	req := &http.Request{Body: pr, ContentLength: n, Header: http.Header{}}
	req.Header.Set("X-Amz-Sdk-Checksum-Algorithm", alg)
	return s.storeBody(req, alg)
}

type copyObjectResult struct {
	XMLName      xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ CopyObjectResult"`
	ETag         string   `xml:"ETag"`
	LastModified string   `xml:"LastModified"`
	checksumFields
	ChecksumType string `xml:"ChecksumType,omitempty"`
}

// copyObject serves CopyObject: the body is copied into a new blob (a
// fresh single-part ETag, as S3 computes for copies up to 5 GiB), metadata
// is copied or replaced per x-amz-metadata-directive, and copying an
// object onto itself without REPLACE is refused, as S3 refuses it.
func (s *Service) copyObject(rq *request) error {
	b, err := s.bucket(rq.bucket)
	if err != nil {
		return err
	}
	directive := rq.r.Header.Get("X-Amz-Metadata-Directive")
	if directive != "" && directive != "COPY" && directive != "REPLACE" {
		return errInvalidArgument("x-amz-metadata-directive", directive, "Unknown metadata directive.")
	}
	src, v, err := s.openCopySource(rq.r)
	if err != nil {
		return err
	}
	defer s.unpin(v)
	if src.bucket == rq.bucket && src.key == rq.key && src.versionID == "" && directive != "REPLACE" {
		return errInvalidRequest("This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.")
	}
	if v.Size > maxCopySize {
		return errInvalidRequest("The specified copy source is larger than the maximum allowable size for a copy source: %d", int64(maxCopySize))
	}
	headers, meta := v.Headers, v.Meta
	if directive == "REPLACE" {
		if headers, meta, err = objectHeaders(rq.r); err != nil {
			return err
		}
	}
	alg := strings.ToUpper(rq.r.Header.Get("X-Amz-Checksum-Algorithm"))
	if alg == "" {
		alg = v.ChecksumAlg
	}
	if alg == "" || newChecksum(alg) == nil {
		alg = algCRC64NVME
	}
	segs, d, err := s.copyRange(v, 0, v.Size, alg)
	if err != nil {
		return err
	}
	nv := &objectVersion{Key: rq.key, Size: d.size, ETag: d.etag(), Segments: segs, Headers: headers, Meta: meta,
		ChecksumAlg: d.alg, Checksum: d.checksum, ChecksumType: typeFullObject}
	if err := s.commitObject(rq, b, nv, EventCopy, nil); err != nil {
		s.removeBlobs(nv)
		return err
	}
	if v.VersionID != nullVersion {
		rq.w.Header().Set("X-Amz-Copy-Source-Version-Id", v.VersionID)
	}
	writeVersionHeaders(rq.w, nv, false)
	out := copyObjectResult{ETag: nv.ETag, LastModified: isoTime(nv.Modified), ChecksumType: nv.ChecksumType}
	out.setChecksum(nv.ChecksumAlg, nv.Checksum)
	return writeXML(rq.w, out)
}
