package s3

import (
	"encoding/base64"
	"encoding/xml"
	"net/http"
	"strings"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
	"github.com/edasctl/edasctl/internal/localaws/store"
)

type completeRequest struct {
	XMLName xml.Name `xml:"CompleteMultipartUpload"`
	Parts   []struct {
		PartNumber int32  `xml:"PartNumber"`
		ETag       string `xml:"ETag"`
		checksumFields
	} `xml:"Part"`
}

type completeResult struct {
	XMLName  xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ CompleteMultipartUploadResult"`
	Location string   `xml:"Location"`
	Bucket   string   `xml:"Bucket"`
	Key      string   `xml:"Key"`
	ETag     string   `xml:"ETag"`
	checksumFields
	ChecksumType string `xml:"ChecksumType,omitempty"`
}

var errInvalidPart = &awsproto.Error{Code: "InvalidPart", Status: http.StatusBadRequest,
	Message: "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag."}

// completeMultipartUpload serves CompleteMultipartUpload
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html):
// the listed parts must be in ascending order (InvalidPartOrder), exist with
// the given ETags and checksums (InvalidPart), and all but the last be at
// least 5 MiB (EntityTooSmall). The object's body is the parts' blobs; parts
// not listed are discarded. The parts are checked and the checksum computed
// first, then checked again under the key's lock (an UploadPart of the same
// number in between makes the completion fail with InvalidPart).
func (s *Service) completeMultipartUpload(rq *request, uploadID string) error {
	b, u, err := s.findUpload(rq.bucket, rq.key, uploadID)
	if err != nil {
		return err
	}
	var req completeRequest
	if _, err := readXML(rq.r, &req); err != nil {
		return err
	}
	cond, err := writePreconditions(rq.r)
	if err != nil {
		return err
	}
	b.mu.RLock()
	chosen, err := chooseParts(u, req)
	b.mu.RUnlock()
	if err != nil {
		return err
	}
	v := &objectVersion{Key: rq.key, Headers: u.Headers, Meta: u.Meta, Parts: len(chosen)}
	for _, p := range chosen {
		v.Size += p.Size
		if p.Body != nil {
			v.Segments = append(v.Segments, *p.Body)
		}
	}
	if v.ETag, err = multipartETag(chosen); err != nil {
		return err
	}
	if err := s.objectChecksum(rq.r, u, v, chosen); err != nil {
		return err
	}
	defer b.lockKey(rq.key).Unlock()
	var ev ObjectEvent
	plan := func(c *change) error {
		if b.uploads[uploadID] != u {
			return errNoSuchUpload(uploadID)
		}
		for _, p := range chosen {
			if u.parts[p.Number] != p {
				return errInvalidPart // replaced while the checksum was computed
			}
		}
		if cond != nil {
			if err := cond(b.latest(v.Key)); err != nil {
				return err
			}
		}
		v.VersionID = nullVersion
		if b.meta.Versioning == versioningEnabled {
			v.VersionID = newVersionID()
		}
		v.Seq, v.Modified = s.seq.Add(1), s.env.Clock.Now().UTC()
		c.place(b, v)
		ev = s.event(rq, b, v, EventComplete)
		return nil
	}
	write := func(tx *store.Tx) error {
		if err := tx.Delete(tableUpload, uploadRow(b.name, uploadID)); err != nil {
			return err
		}
		if err := tx.DeletePrefix(tablePart, uploadRow(b.name, uploadID)+"/"); err != nil {
			return err
		}
		return s.emit(tx, ev)
	}
	var unused []*part
	after := func() {
		s.visible(ev)
		delete(b.uploads, uploadID)
		for _, p := range u.parts {
			if !containsPart(chosen, p) && p.Body != nil {
				unused = append(unused, p)
			}
		}
	}
	if err := s.mutate(b, plan, write, after); err != nil {
		return err
	}
	for _, p := range unused {
		s.blobs.remove(*p.Body)
	}
	writeVersionHeaders(rq.w, v, false)
	out := completeResult{Location: "/" + rq.bucket + "/" + rq.key, Bucket: rq.bucket, Key: rq.key, ETag: v.ETag}
	if v.Checksum != "" {
		out.setChecksum(v.ChecksumAlg, v.Checksum)
		out.ChecksumType = v.ChecksumType
	}
	return writeXML(rq.w, out)
}

func containsPart(parts []*part, p *part) bool {
	for _, q := range parts {
		if q == p {
			return true
		}
	}
	return false
}

// chooseParts checks the completion request against the uploaded parts and
// returns the parts it names, in order. The caller holds the bucket's lock.
func chooseParts(u *upload, req completeRequest) ([]*part, error) {
	if len(req.Parts) == 0 {
		return nil, errMalformedXML()
	}
	chosen := make([]*part, 0, len(req.Parts))
	for i, rp := range req.Parts {
		if i > 0 && rp.PartNumber <= req.Parts[i-1].PartNumber {
			return nil, &awsproto.Error{Code: "InvalidPartOrder", Status: http.StatusBadRequest,
				Message: "The list of parts was not in ascending order. Parts must be ordered by part number."}
		}
		p := u.parts[rp.PartNumber]
		if p == nil || strings.Trim(rp.ETag, `" `) != strings.Trim(p.ETag, `"`) {
			return nil, errInvalidPart
		}
		if want := rp.checksum(u.ChecksumAlg); want != "" && want != p.Checksum {
			return nil, errInvalidPart
		}
		chosen = append(chosen, p)
	}
	for _, p := range chosen[:len(chosen)-1] {
		if p.Size < minPartSize {
			return nil, errEntityTooSmall
		}
	}
	return chosen, nil
}

// objectChecksum sets v's checksum from the upload's algorithm and type:
// COMPOSITE from the part checksums, FULL_OBJECT by reading the parts. A
// full-object value the client sends in x-amz-checksum-<alg> must match
// (BadDigest).
func (s *Service) objectChecksum(r *http.Request, u *upload, v *objectVersion, chosen []*part) error {
	if u.ChecksumAlg == "" {
		return nil
	}
	v.ChecksumAlg, v.ChecksumType = u.ChecksumAlg, u.ChecksumType
	if u.ChecksumType == typeComposite {
		sum, ok := compositeChecksum(u.ChecksumAlg, chosen)
		if !ok {
			v.ChecksumAlg, v.ChecksumType = "", ""
			return nil
		}
		v.Checksum = sum
		return nil
	}
	h := newChecksum(u.ChecksumAlg)
	if err := s.writeBody(h, v, 0, v.Size); err != nil {
		return errInvalidPart // a part was replaced or aborted meanwhile
	}
	v.Checksum = base64.StdEncoding.EncodeToString(h.Sum(nil))
	if want := r.Header.Get(checksumHeader(u.ChecksumAlg)); want != "" && want != v.Checksum {
		return errBadDigest(u.ChecksumAlg)
	}
	return nil
}
