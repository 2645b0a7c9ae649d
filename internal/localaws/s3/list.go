package s3

import (
	"encoding/base64"
	"encoding/xml"
	"net/url"
	"strconv"
	"strings"
)

// maxListKeys is the most entries one listing page returns.
const maxListKeys = 1000

// listParams are the parameters shared by the object listings.
type listParams struct {
	prefix, delimiter string
	max               int
	encode            func(string) string // identity, or urlEncode for encoding-type=url
	encodingType      string
}

// parseListParams reads prefix, delimiter, encoding-type and the page size
// (named by limitName: max-keys, max-uploads) of a listing request.
func parseListParams(q url.Values, limitName string) (listParams, error) {
	p := listParams{prefix: q.Get("prefix"), delimiter: q.Get("delimiter"), max: maxListKeys, encode: func(s string) string { return s }}
	if v := q.Get(limitName); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return p, errInvalidArgument(limitName, v, "Provided %s not an integer or within integer range", limitName)
		}
		p.max = min(n, maxListKeys)
	}
	switch et := q.Get("encoding-type"); et {
	case "":
	case "url":
		p.encode, p.encodingType = urlEncode, "url"
	default:
		return p, errInvalidArgument("encoding-type", et, "Invalid Encoding Method specified in Request")
	}
	return p, nil
}

// listLatest walks b's keys after `after` (exclusive) under p.prefix and
// returns up to p.max live objects and common prefixes in key order, whether
// more remain, and the last key or prefix returned (the resume point).
// Keys whose newest version is a delete marker are skipped. Resuming after
// a common prefix skips every key under it, and so does returning one: the
// walk costs O(log n) per entry returned, not a step per key under a
// common prefix. The caller holds b's read lock.
func (b *bucket) listLatest(p listParams, after string) (objs []*objectVersion, prefixes []string, truncated bool, last string) {
	c := b.keys.seek(max(p.prefix, after))
	if cp, ok := commonPrefix(after, p.prefix, p.delimiter); ok && cp == after {
		c.skipPrefix(after)
	}
	for c.valid() {
		k := c.key()
		if !strings.HasPrefix(k, p.prefix) {
			break
		}
		v := b.objects[k][0]
		cp, isCP := commonPrefix(k, p.prefix, p.delimiter)
		switch {
		case k == after || v.DeleteMarker:
			c.next()
		case len(objs)+len(prefixes) == p.max:
			return objs, prefixes, true, last
		case isCP:
			prefixes, last = append(prefixes, cp), cp
			c.skipPrefix(cp)
		default:
			objs, last = append(objs, v), k
			c.next()
		}
	}
	return objs, prefixes, false, last
}

type objectEntry struct {
	Key               string `xml:"Key"`
	LastModified      string `xml:"LastModified"`
	ETag              string `xml:"ETag"`
	ChecksumAlgorithm string `xml:"ChecksumAlgorithm,omitempty"`
	ChecksumType      string `xml:"ChecksumType,omitempty"`
	Size              int64  `xml:"Size"`
	StorageClass      string `xml:"StorageClass"`
	Owner             *owner `xml:"Owner,omitempty"`
}

type commonPrefixEntry struct {
	Prefix string `xml:"Prefix"`
}

func (s *Service) objectEntries(objs []*objectVersion, p listParams, withOwner bool) []objectEntry {
	out := make([]objectEntry, 0, len(objs))
	for _, v := range objs {
		e := objectEntry{Key: p.encode(v.Key), LastModified: isoTime(v.Modified), ETag: v.ETag, Size: v.Size,
			StorageClass: "STANDARD", ChecksumAlgorithm: v.ChecksumAlg}
		if v.ChecksumAlg != "" {
			e.ChecksumType = v.ChecksumType
		}
		if withOwner {
			o := s.owner()
			e.Owner = &o
		}
		out = append(out, e)
	}
	return out
}

func prefixEntries(prefixes []string, p listParams) []commonPrefixEntry {
	out := make([]commonPrefixEntry, 0, len(prefixes))
	for _, cp := range prefixes {
		out = append(out, commonPrefixEntry{Prefix: p.encode(cp)})
	}
	return out
}

type listV2Result struct {
	XMLName               xml.Name            `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListBucketResult"`
	Name                  string              `xml:"Name"`
	Prefix                string              `xml:"Prefix"`
	Delimiter             string              `xml:"Delimiter,omitempty"`
	MaxKeys               int                 `xml:"MaxKeys"`
	EncodingType          string              `xml:"EncodingType,omitempty"`
	KeyCount              int                 `xml:"KeyCount"`
	IsTruncated           bool                `xml:"IsTruncated"`
	ContinuationToken     string              `xml:"ContinuationToken,omitempty"`
	NextContinuationToken string              `xml:"NextContinuationToken,omitempty"`
	StartAfter            string              `xml:"StartAfter,omitempty"`
	Contents              []objectEntry       `xml:"Contents"`
	CommonPrefixes        []commonPrefixEntry `xml:"CommonPrefixes"`
}

// listObjectsV2 serves ListObjectsV2
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html).
// The continuation token is the opaque (base64) resume point; it takes
// precedence over start-after.
func (s *Service) listObjectsV2(rq *request) error {
	p, err := parseListParams(rq.q, "max-keys")
	if err != nil {
		return err
	}
	b, err := s.bucket(rq.bucket)
	if err != nil {
		return err
	}
	after := rq.q.Get("start-after")
	token := rq.q.Get("continuation-token")
	if _, sent := rq.q["continuation-token"]; sent {
		raw, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil || token == "" {
			return errInvalidArgument("continuation-token", token, "The continuation token provided is incorrect")
		}
		after = string(raw)
	}
	b.mu.RLock()
	if b.deleted {
		b.mu.RUnlock()
		return errNoSuchBucket(rq.bucket)
	}
	objs, prefixes, truncated, last := b.listLatest(p, after)
	b.mu.RUnlock()
	out := listV2Result{
		Name: rq.bucket, Prefix: p.encode(p.prefix), Delimiter: p.encode(p.delimiter), MaxKeys: p.max,
		EncodingType: p.encodingType, KeyCount: len(objs) + len(prefixes), IsTruncated: truncated,
		ContinuationToken: token, StartAfter: p.encode(rq.q.Get("start-after")),
		Contents:       s.objectEntries(objs, p, rq.q.Get("fetch-owner") == "true"),
		CommonPrefixes: prefixEntries(prefixes, p),
	}
	if truncated {
		out.NextContinuationToken = base64.RawURLEncoding.EncodeToString([]byte(last))
	}
	return writeXML(rq.w, out)
}

type listV1Result struct {
	XMLName        xml.Name            `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListBucketResult"`
	Name           string              `xml:"Name"`
	Prefix         string              `xml:"Prefix"`
	Marker         string              `xml:"Marker"`
	NextMarker     string              `xml:"NextMarker,omitempty"`
	MaxKeys        int                 `xml:"MaxKeys"`
	Delimiter      string              `xml:"Delimiter,omitempty"`
	IsTruncated    bool                `xml:"IsTruncated"`
	EncodingType   string              `xml:"EncodingType,omitempty"`
	Contents       []objectEntry       `xml:"Contents"`
	CommonPrefixes []commonPrefixEntry `xml:"CommonPrefixes"`
}

// listObjects serves ListObjects (v1, marker-based), which the AWS CLI's
// s3 commands may still use
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjects.html).
// NextMarker is sent whenever the page is truncated.
func (s *Service) listObjects(rq *request) error {
	p, err := parseListParams(rq.q, "max-keys")
	if err != nil {
		return err
	}
	b, err := s.bucket(rq.bucket)
	if err != nil {
		return err
	}
	marker := rq.q.Get("marker")
	b.mu.RLock()
	if b.deleted {
		b.mu.RUnlock()
		return errNoSuchBucket(rq.bucket)
	}
	objs, prefixes, truncated, last := b.listLatest(p, marker)
	b.mu.RUnlock()
	out := listV1Result{
		Name: rq.bucket, Prefix: p.encode(p.prefix), Marker: p.encode(marker), MaxKeys: p.max,
		Delimiter: p.encode(p.delimiter), IsTruncated: truncated, EncodingType: p.encodingType,
		Contents: s.objectEntries(objs, p, true), CommonPrefixes: prefixEntries(prefixes, p),
	}
	if truncated {
		out.NextMarker = p.encode(last)
	}
	return writeXML(rq.w, out)
}
