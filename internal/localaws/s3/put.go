package s3

import (
	"bytes"
	"net/http"
	"strings"
	"sync"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
)

// Size limits (https://docs.aws.amazon.com/AmazonS3/latest/userguide/upload-objects.html,
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html).
const (
	maxPutSize  = 5 << 30 // a single PUT, and one part
	maxMetaSize = 2 << 10 // user metadata, keys plus values
)

// storedHeaders are the request headers kept with an object and returned by
// GET and HEAD.
var storedHeaders = []string{"Content-Type", "Content-Encoding", "Content-Disposition", "Content-Language",
	"Cache-Control", "Expires", "X-Amz-Website-Redirect-Location"}

// defaultContentType is what S3 stores for an object sent without one.
const defaultContentType = "binary/octet-stream"

// objectHeaders extracts the headers and user metadata (x-amz-meta-*) an
// object keeps. User metadata over 2 KB is MetadataTooLarge.
func objectHeaders(r *http.Request) (headers, meta map[string]string, err error) {
	headers = map[string]string{}
	for _, name := range storedHeaders {
		v := r.Header.Get(name)
		if name == "Content-Encoding" {
			v = stripAWSChunked(v)
		}
		if v != "" {
			headers[name] = v
		}
	}
	if headers["Content-Type"] == "" {
		headers["Content-Type"] = defaultContentType
	}
	size := 0
	const metaPrefix = "x-amz-meta-"
	for name, vs := range r.Header {
		if len(name) < len(metaPrefix) || !strings.EqualFold(name[:len(metaPrefix)], metaPrefix) {
			continue
		}
		if meta == nil {
			meta = map[string]string{}
		}
		k, v := strings.ToLower(name[len(metaPrefix):]), strings.Join(vs, ",")
		meta[k] = v
		size += len(k) + len(v)
	}
	if size > maxMetaSize {
		e := errInvalidRequest("Your metadata headers exceed the maximum allowed metadata size.")
		e.Code, e.Fields = "MetadataTooLarge", map[string]string{"Size": itoa(int64(size)), "MaxSizeAllowed": itoa(maxMetaSize)}
		return nil, nil, e
	}
	return headers, meta, nil
}

// stripAWSChunked removes the aws-chunked token from a Content-Encoding
// value: it describes the request framing, not the object.
func stripAWSChunked(v string) string {
	if !strings.Contains(v, ",") { // one token, the common case
		if v = strings.TrimSpace(v); strings.EqualFold(v, "aws-chunked") {
			return ""
		}
		return v
	}
	var kept []string
	for _, t := range strings.Split(v, ",") {
		if t = strings.TrimSpace(t); t != "" && !strings.EqualFold(t, "aws-chunked") {
			kept = append(kept, t)
		}
	}
	return strings.Join(kept, ",")
}

// storeBody streams r's body into a new blob, verifying it; it returns the
// body's segments (none when empty) and digest. The caller removes the blob
// if the metadata that references it does not commit.
func (s *Service) storeBody(r *http.Request, defaultAlg string) ([]segment, digest, error) {
	in, err := newIngest(r, maxPutSize, defaultAlg)
	if err != nil {
		return nil, digest{}, err
	}
	if in.chunks == nil && r.ContentLength < 0 {
		return nil, digest{}, awsproto.Errorf(http.StatusLengthRequired, "MissingContentLength",
			"You must provide the Content-Length HTTP header.")
	}
	if in.declared >= 0 && in.declared <= packThreshold {
		return s.storeSmallBody(in)
	}
	w, err := s.blobs.create()
	if err != nil {
		return nil, digest{}, err
	}
	if err := in.copyTo(w); err != nil {
		w.abort()
		return nil, digest{}, err
	}
	d, err := in.verify()
	if err != nil {
		w.abort()
		return nil, digest{}, err
	}
	if d.size == 0 {
		w.abort()
		return nil, d, nil
	}
	if err := w.commit(); err != nil {
		return nil, digest{}, err
	}
	return []segment{{Blob: w.id(), Size: d.size}}, d, nil
}

// smallBodies recycles the buffers small bodies are read into.
var smallBodies = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// storeSmallBody reads a body of known small size into memory, verifies it
// and packs it.
func (s *Service) storeSmallBody(in *ingest) ([]segment, digest, error) {
	buf := smallBodies.Get().(*bytes.Buffer)
	buf.Reset()
	defer smallBodies.Put(buf)
	if err := in.copyTo(buf); err != nil {
		return nil, digest{}, err
	}
	d, err := in.verify()
	if err != nil || d.size == 0 {
		return nil, d, err
	}
	seg, err := s.blobs.pack(buf.Bytes())
	if err != nil {
		return nil, digest{}, err
	}
	return []segment{seg}, d, nil
}

// putObject serves PutObject
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html),
// including the conditional writes If-None-Match: * and If-Match.
func (s *Service) putObject(rq *request) error {
	b, err := s.bucket(rq.bucket)
	if err != nil {
		return err
	}
	headers, meta, err := objectHeaders(rq.r)
	if err != nil {
		return err
	}
	cond, err := writePreconditions(rq.r)
	if err != nil {
		return err
	}
	segs, d, err := s.storeBody(rq.r, algCRC64NVME)
	if err != nil {
		return err
	}
	v := &objectVersion{Key: rq.key, Size: d.size, ETag: d.etag(), Segments: segs, Headers: headers, Meta: meta,
		ChecksumAlg: d.alg, Checksum: d.checksum, ChecksumType: typeFullObject}
	if err := s.commitObject(rq, b, v, EventPut, cond); err != nil {
		s.removeBlobs(v)
		return err
	}
	hs := newHeaderSetter(rq.w.Header(), 5)
	hs.versionHeaders(v, true)
	hs.set("Etag", v.ETag)
	rq.w.WriteHeader(http.StatusOK)
	return nil
}

// writeVersionHeaders sets the headers every write response carries:
// the version ID when the object has one, server-side encryption and, when
// withChecksum, the object's checksum.
func writeVersionHeaders(w http.ResponseWriter, v *objectVersion, withChecksum bool) {
	hs := newHeaderSetter(w.Header(), 4)
	hs.versionHeaders(v, withChecksum)
}

// versionHeaders is writeVersionHeaders.
func (hs *headerSetter) versionHeaders(v *objectVersion, withChecksum bool) {
	if v.VersionID != nullVersion {
		hs.set("X-Amz-Version-Id", v.VersionID)
	}
	hs.set("X-Amz-Server-Side-Encryption", "AES256")
	if withChecksum && v.Checksum != "" {
		hs.set(canonicalChecksumHeader(v.ChecksumAlg), v.Checksum)
		hs.set("X-Amz-Checksum-Type", v.ChecksumType)
	}
}

// A headerSetter sets response headers as http.Header.Set does, but takes
// names already in canonical form (http.CanonicalHeaderKey) and allocates
// the values of up to its capacity together, not one by one.
type headerSetter struct {
	h    http.Header
	vals []string
}

func newHeaderSetter(h http.Header, capacity int) headerSetter {
	return headerSetter{h: h, vals: make([]string, 0, capacity)}
}

// set sets the header name, which must be canonical, to the single value v.
func (hs *headerSetter) set(name, v string) {
	if len(hs.vals) == cap(hs.vals) {
		hs.h[name] = []string{v}
		return
	}
	hs.vals = append(hs.vals, v)
	n := len(hs.vals)
	hs.h[name] = hs.vals[n-1 : n : n]
}

// writePreconditions parses the conditional-write headers of PutObject and
// CompleteMultipartUpload (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html):
// If-None-Match: * fails with 412 when the key exists; If-Match fails with
// 404 when it does not and 412 when its ETag differs.
func writePreconditions(r *http.Request) (func(latest *objectVersion) error, error) {
	ifNone, ifMatch := r.Header.Get("If-None-Match"), r.Header.Get("If-Match")
	if ifNone == "" && ifMatch == "" {
		return nil, nil
	}
	if ifNone != "" && strings.TrimSpace(ifNone) != "*" {
		return nil, errNotImplemented()
	}
	return func(latest *objectVersion) error {
		live := latest != nil && !latest.DeleteMarker
		if ifNone != "" && live {
			return errPreconditionFailed("If-None-Match")
		}
		if ifMatch != "" {
			if !live {
				return errNoSuchKey(latestKey(latest))
			}
			if !etagMatches(ifMatch, latest.ETag) {
				return errPreconditionFailed("If-Match")
			}
		}
		return nil
	}, nil
}

func latestKey(v *objectVersion) string {
	if v == nil {
		return ""
	}
	return v.Key
}

// commitObject makes v the newest version of its key in b: it checks cond
// against the key's current newest version, assigns the version ID by the
// bucket's versioning state, and records the object and its creation event
// in one store transaction before the index shows it.
func (s *Service) commitObject(rq *request, b *bucket, v *objectVersion, event string, cond func(*objectVersion) error) error {
	defer b.lockKey(v.Key).Unlock()
	var evs []ObjectEvent // the creation event, when the OnObjectEvent hook needs one
	plan := func(c *change) error {
		if cond != nil {
			if err := cond(b.latest(v.Key)); err != nil {
				return err
			}
		}
		v.VersionID = nullVersion
		if b.meta.Versioning == versioningEnabled {
			v.VersionID = newVersionID()
		}
		v.Seq = s.seq.Add(1)
		v.Modified = s.env.Clock.Now().UTC()
		c.place(b, v)
		if s.opts.OnObjectEvent != nil {
			evs = append(evs, s.event(rq, b, v, event))
		}
		return nil
	}
	return s.mutate(b, plan, s.emitter(&evs), s.shower(&evs))
}
