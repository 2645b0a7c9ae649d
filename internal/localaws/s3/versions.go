package s3

import (
	"encoding/xml"
	"strings"
)

type versionEntry struct {
	XMLName           xml.Name // Version or DeleteMarker
	Key               string   `xml:"Key"`
	VersionID         string   `xml:"VersionId"`
	IsLatest          bool     `xml:"IsLatest"`
	LastModified      string   `xml:"LastModified"`
	ETag              string   `xml:"ETag,omitempty"`
	Size              *int64   `xml:"Size,omitempty"`
	StorageClass      string   `xml:"StorageClass,omitempty"`
	Owner             owner    `xml:"Owner"`
	ChecksumAlgorithm string   `xml:"ChecksumAlgorithm,omitempty"`
	ChecksumType      string   `xml:"ChecksumType,omitempty"`
}

type listVersionsResult struct {
	XMLName             xml.Name            `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListVersionsResult"`
	Name                string              `xml:"Name"`
	Prefix              string              `xml:"Prefix"`
	KeyMarker           string              `xml:"KeyMarker"`
	VersionIDMarker     string              `xml:"VersionIdMarker"`
	NextKeyMarker       string              `xml:"NextKeyMarker,omitempty"`
	NextVersionIDMarker string              `xml:"NextVersionIdMarker,omitempty"`
	MaxKeys             int                 `xml:"MaxKeys"`
	Delimiter           string              `xml:"Delimiter,omitempty"`
	IsTruncated         bool                `xml:"IsTruncated"`
	EncodingType        string              `xml:"EncodingType,omitempty"`
	Entries             []versionEntry      // Version and DeleteMarker, interleaved in key and age order
	CommonPrefixes      []commonPrefixEntry `xml:"CommonPrefixes"`
}

// listObjectVersions serves ListObjectVersions
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html):
// every version and delete marker, newest first within a key, paginated by
// key-marker and version-id-marker. Objects written before versioning was
// enabled (or while suspended) are listed with version ID "null".
func (s *Service) listObjectVersions(rq *request) error {
	p, err := parseListParams(rq.q, "max-keys")
	if err != nil {
		return err
	}
	keyMarker, vidMarker := rq.q.Get("key-marker"), rq.q.Get("version-id-marker")
	if vidMarker != "" && keyMarker == "" {
		return errInvalidArgument("version-id-marker", vidMarker, "A version-id marker cannot be specified without a key marker.")
	}
	b, err := s.bucket(rq.bucket)
	if err != nil {
		return err
	}
	out := listVersionsResult{Name: rq.bucket, Prefix: p.encode(p.prefix), KeyMarker: p.encode(keyMarker),
		VersionIDMarker: vidMarker, MaxKeys: p.max, Delimiter: p.encode(p.delimiter), EncodingType: p.encodingType}
	own := s.owner()
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.deleted {
		return errNoSuchBucket(rq.bucket)
	}
	count := 0
	full := func() bool {
		if count < p.max {
			return false
		}
		out.IsTruncated = true
		return true
	}
	c := b.keys.seek(max(p.prefix, keyMarker))
	for c.valid() && !out.IsTruncated {
		k := c.key()
		if !strings.HasPrefix(k, p.prefix) {
			break
		}
		if cp, ok := commonPrefix(k, p.prefix, p.delimiter); ok {
			// Listed once, and not again when the key marker is under it.
			if keyMarker == "" || !strings.HasPrefix(keyMarker, cp) {
				if full() {
					break
				}
				out.CommonPrefixes = append(out.CommonPrefixes, commonPrefixEntry{Prefix: p.encode(cp)})
				out.NextKeyMarker, out.NextVersionIDMarker = p.encode(cp), ""
				count++
			}
			c.skipPrefix(cp)
			continue
		}
		vs := b.objects[k]
		start := 0
		if k == keyMarker { // resume after the version-id marker, or after the key
			start = len(vs)
			for j, v := range vs {
				if vidMarker != "" && v.VersionID == vidMarker {
					start = j + 1
				}
			}
		}
		for j := start; j < len(vs); j++ {
			if full() {
				break
			}
			out.Entries = append(out.Entries, versionListEntry(vs[j], j == 0, p, own))
			out.NextKeyMarker, out.NextVersionIDMarker = p.encode(k), vs[j].VersionID
			count++
		}
		c.next()
	}
	if !out.IsTruncated {
		out.NextKeyMarker, out.NextVersionIDMarker = "", ""
	}
	return writeXML(rq.w, out)
}

func versionListEntry(v *objectVersion, latest bool, p listParams, own owner) versionEntry {
	e := versionEntry{Key: p.encode(v.Key), VersionID: v.VersionID, IsLatest: latest, LastModified: isoTime(v.Modified), Owner: own}
	if v.DeleteMarker {
		e.XMLName.Local = "DeleteMarker"
		return e
	}
	size := v.Size
	e.XMLName.Local = "Version"
	e.ETag, e.Size, e.StorageClass, e.ChecksumAlgorithm = v.ETag, &size, "STANDARD", v.ChecksumAlg
	if v.ChecksumAlg != "" {
		e.ChecksumType = v.ChecksumType
	}
	return e
}
