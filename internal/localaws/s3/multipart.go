package s3

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
	"github.com/edasctl/edasctl/internal/localaws/store"
)

// Multipart limits (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html).
const (
	maxPartNumber = 10000
	minPartSize   = 5 << 20 // every part but the last
)

type initiateResult struct {
	XMLName  xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ InitiateMultipartUploadResult"`
	Bucket   string   `xml:"Bucket"`
	Key      string   `xml:"Key"`
	UploadID string   `xml:"UploadId"`
}

// createMultipartUpload serves CreateMultipartUpload
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateMultipartUpload.html).
// x-amz-checksum-algorithm picks the parts' checksum; x-amz-checksum-type
// defaults to FULL_OBJECT for CRC64NVME and COMPOSITE otherwise, and
// FULL_OBJECT is refused for SHA algorithms, as S3 refuses it.
func (s *Service) createMultipartUpload(rq *request) error {
	b, err := s.bucket(rq.bucket)
	if err != nil {
		return err
	}
	headers, meta, err := objectHeaders(rq.r)
	if err != nil {
		return err
	}
	alg := strings.ToUpper(rq.r.Header.Get("X-Amz-Checksum-Algorithm"))
	typ := strings.ToUpper(rq.r.Header.Get("X-Amz-Checksum-Type"))
	if alg != "" && newChecksum(alg) == nil {
		return errInvalidRequest("Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]")
	}
	switch {
	case typ != "" && typ != typeFullObject && typ != typeComposite:
		return errInvalidRequest("Value for x-amz-checksum-type header is invalid.")
	case typ != "" && alg == "":
		return errInvalidRequest("The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.")
	case typ == "" && alg == algCRC64NVME:
		typ = typeFullObject
	case typ == "" && alg != "":
		typ = typeComposite
	}
	if (typ == typeFullObject && (alg == algSHA1 || alg == algSHA256)) || (typ == typeComposite && alg == algCRC64NVME) {
		return errInvalidRequest("The %s checksum type cannot be used with the %s checksum algorithm.", strings.ToLower(typ), strings.ToLower(alg))
	}
	u := &upload{ID: newUploadID(), Key: rq.key, Initiated: s.env.Clock.Now().UTC(), Headers: headers, Meta: meta,
		ChecksumAlg: alg, ChecksumType: typ, parts: map[int32]*part{}}
	err = s.mutate(b, func(*change) error { return nil },
		func(tx *store.Tx) error { return putJSON(tx, tableUpload, uploadRow(rq.bucket, u.ID), u) },
		func() { b.uploads[u.ID] = u })
	if err != nil {
		return err
	}
	if alg != "" {
		rq.w.Header().Set("X-Amz-Checksum-Algorithm", alg)
		rq.w.Header().Set("X-Amz-Checksum-Type", typ)
	}
	rq.w.Header().Set("X-Amz-Server-Side-Encryption", "AES256")
	return writeXML(rq.w, initiateResult{Bucket: rq.bucket, Key: rq.key, UploadID: u.ID})
}

// findUpload returns the bucket and the upload uploadID of key.
func (s *Service) findUpload(bucketName, key, uploadID string) (*bucket, *upload, error) {
	b, err := s.bucket(bucketName)
	if err != nil {
		return nil, nil, err
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	u := b.uploads[uploadID]
	if b.deleted || u == nil || u.Key != key {
		return nil, nil, errNoSuchUpload(uploadID)
	}
	return b, u, nil
}

func parsePartNumber(v string) (int32, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxPartNumber {
		return 0, errInvalidArgument("partNumber", v, "Part number must be an integer between 1 and 10000, inclusive")
	}
	return int32(n), nil
}

// uploadPart serves UploadPart: the part streams into its own blob; a part
// uploaded again under the same number replaces the earlier one.
func (s *Service) uploadPart(rq *request, uploadID string) error {
	n, err := parsePartNumber(rq.q.Get("partNumber"))
	if err != nil {
		return err
	}
	b, u, err := s.findUpload(rq.bucket, rq.key, uploadID)
	if err != nil {
		return err
	}
	segs, d, err := s.storeBody(rq.r, u.ChecksumAlg)
	if err != nil {
		return err
	}
	if u.ChecksumAlg != "" && d.alg != u.ChecksumAlg {
		removeSegments(s, segs)
		return errInvalidRequest("Checksum Type mismatch occurred, expected checksum Type: %s, actual checksum Type: %s",
			strings.ToLower(u.ChecksumAlg), strings.ToLower(d.alg))
	}
	p := &part{Number: n, ETag: d.etag(), Size: d.size, Checksum: d.checksum}
	if len(segs) > 0 {
		p.Body = &segs[0]
	}
	if err := s.commitPart(b, u, p); err != nil {
		removeSegments(s, segs)
		return err
	}
	rq.w.Header().Set("ETag", p.ETag)
	rq.w.Header().Set("X-Amz-Server-Side-Encryption", "AES256")
	if p.Checksum != "" {
		rq.w.Header().Set(checksumHeader(d.alg), p.Checksum)
	}
	rq.w.WriteHeader(http.StatusOK)
	return nil
}

func removeSegments(s *Service, segs []segment) {
	for _, seg := range segs {
		s.blobs.remove(seg)
	}
}

// commitPart records p in u, replacing a part with the same number.
func (s *Service) commitPart(b *bucket, u *upload, p *part) error {
	defer b.lockKey(u.Key).Unlock()
	var old *part
	err := s.mutate(b, func(*change) error {
		if b.uploads[u.ID] != u {
			return errNoSuchUpload(u.ID)
		}
		p.Modified = s.env.Clock.Now().UTC()
		return nil
	}, func(tx *store.Tx) error {
		return putJSON(tx, tablePart, partRow(b.name, u.ID, p.Number), p)
	}, func() {
		old = u.parts[p.Number]
		u.parts[p.Number] = p
	})
	if err != nil {
		return err
	}
	if old != nil && old.Body != nil {
		s.blobs.remove(*old.Body)
	}
	return nil
}

type copyPartResult struct {
	XMLName      xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ CopyPartResult"`
	ETag         string   `xml:"ETag"`
	LastModified string   `xml:"LastModified"`
	checksumFields
}

// uploadPartCopy serves UploadPartCopy: a part copied from an object, or
// from the byte range x-amz-copy-source-range of it.
func (s *Service) uploadPartCopy(rq *request, uploadID string) error {
	n, err := parsePartNumber(rq.q.Get("partNumber"))
	if err != nil {
		return err
	}
	b, u, err := s.findUpload(rq.bucket, rq.key, uploadID)
	if err != nil {
		return err
	}
	_, v, err := s.openCopySource(rq.r)
	if err != nil {
		return err
	}
	defer s.unpin(v)
	off, length := int64(0), v.Size
	if hdr := rq.r.Header.Get("X-Amz-Copy-Source-Range"); hdr != "" {
		first, last, ok := parseCopyRange(hdr)
		if !ok {
			return errInvalidArgument("x-amz-copy-source-range", hdr, "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy")
		}
		if last >= v.Size {
			return errInvalidArgument("x-amz-copy-source-range", hdr, "Range specified is not valid for source object of size: %d", v.Size)
		}
		off, length = first, last-first+1
	}
	if length > maxPutSize {
		return errEntityTooLarge(maxPutSize)
	}
	segs, d, err := s.copyRange(v, off, length, u.ChecksumAlg)
	if err != nil {
		return err
	}
	p := &part{Number: n, ETag: d.etag(), Size: d.size, Checksum: d.checksum}
	if len(segs) > 0 {
		p.Body = &segs[0]
	}
	if err := s.commitPart(b, u, p); err != nil {
		removeSegments(s, segs)
		return err
	}
	if v.VersionID != nullVersion {
		rq.w.Header().Set("X-Amz-Copy-Source-Version-Id", v.VersionID)
	}
	out := copyPartResult{ETag: p.ETag, LastModified: isoTime(p.Modified)}
	out.setChecksum(u.ChecksumAlg, p.Checksum)
	return writeXML(rq.w, out)
}

// parseCopyRange parses "bytes=first-last" with first ≤ last.
func parseCopyRange(h string) (first, last int64, ok bool) {
	spec, found := strings.CutPrefix(h, "bytes=")
	if !found {
		return 0, 0, false
	}
	a, b, found := strings.Cut(spec, "-")
	if !found {
		return 0, 0, false
	}
	first, err1 := strconv.ParseInt(a, 10, 64)
	last, err2 := strconv.ParseInt(b, 10, 64)
	if err1 != nil || err2 != nil || first < 0 || last < first {
		return 0, 0, false
	}
	return first, last, true
}

// abortMultipartUpload serves AbortMultipartUpload: the upload and its parts
// are gone (204), and later uses of the upload ID get NoSuchUpload.
func (s *Service) abortMultipartUpload(rq *request, uploadID string) error {
	b, u, err := s.findUpload(rq.bucket, rq.key, uploadID)
	if err != nil {
		return err
	}
	defer b.lockKey(rq.key).Unlock()
	err = s.mutate(b, func(*change) error {
		if b.uploads[uploadID] != u {
			return errNoSuchUpload(uploadID)
		}
		return nil
	}, func(tx *store.Tx) error {
		if err := tx.Delete(tableUpload, uploadRow(rq.bucket, uploadID)); err != nil {
			return err
		}
		return tx.DeletePrefix(tablePart, uploadRow(rq.bucket, uploadID)+"/")
	}, func() { delete(b.uploads, uploadID) })
	if err != nil {
		return err
	}
	for _, p := range u.parts {
		if p.Body != nil {
			s.blobs.remove(*p.Body)
		}
	}
	rq.w.WriteHeader(http.StatusNoContent)
	return nil
}

// multipartETag is S3's ETag of a multipart object: the MD5 of the
// concatenated binary MD5s of its parts, "-" and the part count.
func multipartETag(parts []*part) (string, error) {
	h := md5.New()
	for _, p := range parts {
		raw, err := hex.DecodeString(strings.Trim(p.ETag, `"`))
		if err != nil {
			return "", fmt.Errorf("decode part etag: %w", err)
		}
		h.Write(raw)
	}
	return fmt.Sprintf(`"%s-%d"`, hex.EncodeToString(h.Sum(nil)), len(parts)), nil
}

// compositeChecksum is the COMPOSITE checksum of a multipart object: the
// checksum of the concatenated binary part checksums, "-" and the part
// count (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html#large-object-checksums).
func compositeChecksum(alg string, parts []*part) (string, bool) {
	h := newChecksum(alg)
	for _, p := range parts {
		raw, ok := decodeChecksum(alg, p.Checksum)
		if !ok {
			return "", false
		}
		h.Write(raw)
	}
	return base64.StdEncoding.EncodeToString(h.Sum(nil)) + "-" + strconv.Itoa(len(parts)), true
}

var errEntityTooSmall = &awsproto.Error{Code: "EntityTooSmall", Status: http.StatusBadRequest,
	Message: "Your proposed upload is smaller than the minimum allowed object size."}
