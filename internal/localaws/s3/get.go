package s3

import (
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
)

// responseOverrides are the GetObject query parameters that override a
// response header (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html).
var responseOverrides = map[string]string{
	"response-content-type":        "Content-Type",
	"response-content-language":    "Content-Language",
	"response-expires":             "Expires",
	"response-cache-control":       "Cache-Control",
	"response-content-disposition": "Content-Disposition",
	"response-content-encoding":    "Content-Encoding",
}

// findVersion returns the version a GET, HEAD or copy source addresses
// (the newest when versionID is ""), pinned so its blobs outlive a
// concurrent overwrite; the caller unpins it. It also reports whether the
// bucket has ever had versioning enabled.
func (s *Service) findVersion(bucketName, key, versionID string) (*objectVersion, bool, error) {
	if versionID != "" && !validVersionID(versionID) {
		return nil, false, errInvalidArgument("versionId", versionID, "Invalid version id specified")
	}
	b, err := s.bucket(bucketName)
	if err != nil {
		return nil, false, err
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.deleted {
		return nil, false, errNoSuchBucket(bucketName)
	}
	var v *objectVersion
	if versionID != "" {
		if v = b.version(key, versionID); v == nil {
			return nil, false, errNoSuchVersion(key, versionID)
		}
	} else if v = b.latest(key); v == nil {
		return nil, false, errNoSuchKey(key)
	}
	s.pin(v)
	return v, b.meta.Versioning != "", nil
}

// getObject serves GetObject and HeadObject: conditional requests (304/412),
// a single byte range (206 with Content-Range; 416 InvalidRange when
// unsatisfiable), versionId, response-* overrides, and the stored checksum
// when x-amz-checksum-mode is ENABLED.
func (s *Service) getObject(rq *request, head bool) error {
	versionID := rq.q.Get("versionId")
	v, versioned, err := s.findVersion(rq.bucket, rq.key, versionID)
	if err != nil {
		return err
	}
	defer s.unpin(v)
	h := rq.w.Header()
	if v.DeleteMarker {
		h.Set("X-Amz-Delete-Marker", "true")
		h.Set("X-Amz-Version-Id", v.VersionID)
		h.Set("Last-Modified", httpTime(v.Modified))
		if versionID != "" {
			return errMethodNotAllowed()
		}
		return errNoSuchKey(rq.key)
	}
	switch outcome, cond := readPreconditions(rq.r.Header, v.ETag, v.Modified); outcome {
	case condFailed:
		return errPreconditionFailed(cond)
	case condNotModified:
		h.Set("ETag", v.ETag)
		h.Set("Last-Modified", httpTime(v.Modified))
		rq.w.WriteHeader(http.StatusNotModified)
		return nil
	}
	start, length, status := int64(0), v.Size, http.StatusOK
	if pn := rq.q.Get("partNumber"); pn != "" {
		if rq.r.Header.Get("Range") != "" {
			return errInvalidRequest("Cannot specify both Range header and partNumber query parameter")
		}
		a, n, err := partRange(v, pn)
		if err != nil {
			return err
		}
		start, length = a, n
		if v.Parts > 0 {
			status = http.StatusPartialContent
			h.Set("X-Amz-Mp-Parts-Count", strconv.Itoa(v.Parts))
			h.Set("Content-Range", "bytes "+itoa(a)+"-"+itoa(a+n-1)+"/"+itoa(v.Size))
		}
	} else if hdr := rq.r.Header.Get("Range"); hdr != "" {
		a, n, ok, unsatisfiable := parseRange(hdr, v.Size)
		if unsatisfiable {
			h.Set("Content-Range", "bytes */"+itoa(v.Size))
			return &awsproto.Error{Code: "InvalidRange", Status: http.StatusRequestedRangeNotSatisfiable,
				Message: "The requested range is not satisfiable",
				Fields:  map[string]string{"RangeRequested": hdr, "ActualObjectSize": itoa(v.Size)}}
		}
		if ok {
			start, length, status = a, n, http.StatusPartialContent
			h.Set("Content-Range", "bytes "+itoa(a)+"-"+itoa(a+n-1)+"/"+itoa(v.Size))
		}
	}
	hs := newHeaderSetter(h, len(v.Headers)+8)
	hs.objectHeaders(v, versioned)
	if len(rq.q) > 0 {
		for param, header := range responseOverrides {
			if val := rq.q.Get(param); val != "" {
				hs.set(header, val)
			}
		}
	}
	if status == http.StatusOK && strings.EqualFold(rq.r.Header.Get("X-Amz-Checksum-Mode"), "ENABLED") && v.Checksum != "" {
		hs.set(canonicalChecksumHeader(v.ChecksumAlg), v.Checksum)
		hs.set("X-Amz-Checksum-Type", v.ChecksumType)
	}
	hs.set("Content-Length", strconv.FormatInt(length, 10))
	rq.w.WriteHeader(status)
	if head {
		return nil
	}
	if err := s.writeBody(rq.w, v, start, length); err != nil {
		s.env.Log.Error("s3: stream object body", "bucket", rq.bucket, "key", rq.key, "err", err)
		panic(http.ErrAbortHandler) // the status is sent; only a cut connection tells the client
	}
	return nil
}

// partRange returns the byte range of part pn of v: a multipart object's
// part, or the whole of a single-part object for part 1
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html#API_GetObject_RequestSyntax,
// partNumber). A part that does not exist is 416 InvalidPartNumber.
func partRange(v *objectVersion, pn string) (start, length int64, err error) {
	n, convErr := strconv.Atoi(pn)
	if convErr != nil || n < 1 || n > maxPartNumber {
		return 0, 0, errInvalidArgument("partNumber", pn, "Part number must be an integer between 1 and 10000, inclusive")
	}
	parts := max(v.Parts, 1)
	if n > parts {
		return 0, 0, awsproto.Errorf(http.StatusRequestedRangeNotSatisfiable, "InvalidPartNumber", "The requested partnumber is not satisfiable")
	}
	if v.Parts == 0 {
		return 0, v.Size, nil
	}
	// Only a multipart object's last part may be empty, and empty parts
	// have no segment, so part n is segment n-1 or the empty last part.
	for i, seg := range v.Segments {
		if i == n-1 {
			return start, seg.Size, nil
		}
		start += seg.Size
	}
	return start, 0, nil
}

// objectHeaders sets the headers GET and HEAD return for v.
func (hs *headerSetter) objectHeaders(v *objectVersion, versioned bool) {
	for name, val := range v.Headers {
		hs.set(http.CanonicalHeaderKey(name), val)
	}
	for k, val := range v.Meta {
		hs.h["X-Amz-Meta-"+k] = []string{val}
	}
	hs.set("Etag", v.ETag)
	hs.set("Last-Modified", httpTime(v.Modified))
	hs.set("Accept-Ranges", "bytes")
	hs.set("X-Amz-Server-Side-Encryption", "AES256")
	if versioned || v.VersionID != nullVersion {
		hs.set("X-Amz-Version-Id", v.VersionID)
	}
}

// writeBody streams n bytes of v's body from offset off.
func (s *Service) writeBody(w io.Writer, v *objectVersion, off, n int64) error {
	bp := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(bp)
	for _, seg := range v.Segments {
		if n == 0 {
			break
		}
		if off >= seg.Size {
			off -= seg.Size
			continue
		}
		take := min(seg.Size-off, n)
		rc, err := s.blobs.open(seg, off, take)
		if err != nil {
			return err
		}
		dst := w
		if take <= packThreshold {
			// Through the response's buffer, so headers and a small body
			// leave in one write; larger bodies may use sendfile.
			dst = onlyWriter{w}
		}
		_, err = io.CopyBuffer(dst, rc, *bp)
		rc.Close()
		if err != nil {
			return err
		}
		off, n = 0, n-take
	}
	return nil
}
