package s3

import (
	"encoding/xml"
	"sort"
	"strconv"
	"strings"
)

type partEntry struct {
	PartNumber   int32  `xml:"PartNumber"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag"`
	Size         int64  `xml:"Size"`
	checksumFields
}

type listPartsResult struct {
	XMLName              xml.Name    `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListPartsResult"`
	Bucket               string      `xml:"Bucket"`
	Key                  string      `xml:"Key"`
	UploadID             string      `xml:"UploadId"`
	PartNumberMarker     int32       `xml:"PartNumberMarker"`
	NextPartNumberMarker int32       `xml:"NextPartNumberMarker"`
	MaxParts             int         `xml:"MaxParts"`
	IsTruncated          bool        `xml:"IsTruncated"`
	Parts                []partEntry `xml:"Part"`
	Initiator            owner       `xml:"Initiator"`
	Owner                owner       `xml:"Owner"`
	StorageClass         string      `xml:"StorageClass"`
	ChecksumAlgorithm    string      `xml:"ChecksumAlgorithm,omitempty"`
	ChecksumType         string      `xml:"ChecksumType,omitempty"`
}

// listParts serves ListParts, paginated by part-number-marker and max-parts.
func (s *Service) listParts(rq *request, uploadID string) error {
	marker, limit := int32(0), maxListKeys
	if v := rq.q.Get("part-number-marker"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > maxPartNumber {
			return errInvalidArgument("part-number-marker", v, "Provided part-number-marker not an integer or within integer range")
		}
		marker = int32(n)
	}
	if v := rq.q.Get("max-parts"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return errInvalidArgument("max-parts", v, "Provided max-parts not an integer or within integer range")
		}
		limit = min(n, maxListKeys)
	}
	b, u, err := s.findUpload(rq.bucket, rq.key, uploadID)
	if err != nil {
		return err
	}
	own := s.owner()
	out := listPartsResult{Bucket: rq.bucket, Key: rq.key, UploadID: uploadID, PartNumberMarker: marker, MaxParts: limit,
		Initiator: own, Owner: own, StorageClass: "STANDARD", ChecksumAlgorithm: u.ChecksumAlg, ChecksumType: u.ChecksumType}
	b.mu.RLock()
	numbers := make([]int32, 0, len(u.parts))
	for n := range u.parts {
		if n > marker {
			numbers = append(numbers, n)
		}
	}
	sort.Slice(numbers, func(i, j int) bool { return numbers[i] < numbers[j] })
	for _, n := range numbers {
		if len(out.Parts) == limit {
			out.IsTruncated = true
			break
		}
		p := u.parts[n]
		e := partEntry{PartNumber: n, LastModified: isoTime(p.Modified), ETag: p.ETag, Size: p.Size}
		e.setChecksum(u.ChecksumAlg, p.Checksum)
		out.Parts = append(out.Parts, e)
		out.NextPartNumberMarker = n
	}
	b.mu.RUnlock()
	return writeXML(rq.w, out)
}

type uploadEntry struct {
	Key               string `xml:"Key"`
	UploadID          string `xml:"UploadId"`
	Initiator         owner  `xml:"Initiator"`
	Owner             owner  `xml:"Owner"`
	StorageClass      string `xml:"StorageClass"`
	Initiated         string `xml:"Initiated"`
	ChecksumAlgorithm string `xml:"ChecksumAlgorithm,omitempty"`
	ChecksumType      string `xml:"ChecksumType,omitempty"`
}

type listUploadsResult struct {
	XMLName            xml.Name            `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListMultipartUploadsResult"`
	Bucket             string              `xml:"Bucket"`
	KeyMarker          string              `xml:"KeyMarker"`
	UploadIDMarker     string              `xml:"UploadIdMarker"`
	NextKeyMarker      string              `xml:"NextKeyMarker,omitempty"`
	NextUploadIDMarker string              `xml:"NextUploadIdMarker,omitempty"`
	Prefix             string              `xml:"Prefix"`
	Delimiter          string              `xml:"Delimiter,omitempty"`
	MaxUploads         int                 `xml:"MaxUploads"`
	IsTruncated        bool                `xml:"IsTruncated"`
	EncodingType       string              `xml:"EncodingType,omitempty"`
	Uploads            []uploadEntry       `xml:"Upload"`
	CommonPrefixes     []commonPrefixEntry `xml:"CommonPrefixes"`
}

// listMultipartUploads serves ListMultipartUploads: in-progress uploads
// ordered by key and then initiation time, paginated by key-marker and
// upload-id-marker, grouped by delimiter.
func (s *Service) listMultipartUploads(rq *request) error {
	p, err := parseListParams(rq.q, "max-uploads")
	if err != nil {
		return err
	}
	keyMarker, idMarker := rq.q.Get("key-marker"), rq.q.Get("upload-id-marker")
	b, err := s.bucket(rq.bucket)
	if err != nil {
		return err
	}
	b.mu.RLock()
	if b.deleted {
		b.mu.RUnlock()
		return errNoSuchBucket(rq.bucket)
	}
	ups := make([]*upload, 0, len(b.uploads))
	for _, u := range b.uploads {
		ups = append(ups, u)
	}
	b.mu.RUnlock()
	sort.Slice(ups, func(i, j int) bool {
		if ups[i].Key != ups[j].Key {
			return ups[i].Key < ups[j].Key
		}
		if !ups[i].Initiated.Equal(ups[j].Initiated) {
			return ups[i].Initiated.Before(ups[j].Initiated)
		}
		return ups[i].ID < ups[j].ID
	})
	own := s.owner()
	out := listUploadsResult{Bucket: rq.bucket, KeyMarker: p.encode(keyMarker), UploadIDMarker: idMarker,
		Prefix: p.encode(p.prefix), Delimiter: p.encode(p.delimiter), MaxUploads: p.max, EncodingType: p.encodingType}
	skipping := idMarker != ""
	lastCP := ""
	for _, u := range ups {
		if !strings.HasPrefix(u.Key, p.prefix) || u.Key < keyMarker || (u.Key == keyMarker && idMarker == "") {
			continue
		}
		if skipping && u.Key == keyMarker {
			if u.ID == idMarker {
				skipping = false
			}
			continue
		}
		cp, isCP := commonPrefix(u.Key, p.prefix, p.delimiter)
		if isCP && cp == lastCP {
			continue
		}
		if len(out.Uploads)+len(out.CommonPrefixes) == p.max {
			out.IsTruncated = true
			break
		}
		if isCP {
			out.CommonPrefixes = append(out.CommonPrefixes, commonPrefixEntry{Prefix: p.encode(cp)})
			out.NextKeyMarker, out.NextUploadIDMarker, lastCP = p.encode(cp), "", cp
			continue
		}
		out.Uploads = append(out.Uploads, uploadEntry{Key: p.encode(u.Key), UploadID: u.ID, Initiator: own, Owner: own,
			StorageClass: "STANDARD", Initiated: isoTime(u.Initiated), ChecksumAlgorithm: u.ChecksumAlg, ChecksumType: u.ChecksumType})
		out.NextKeyMarker, out.NextUploadIDMarker = p.encode(u.Key), u.ID
	}
	if !out.IsTruncated {
		out.NextKeyMarker, out.NextUploadIDMarker = "", ""
	}
	return writeXML(rq.w, out)
}
