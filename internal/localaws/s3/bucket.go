package s3

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
	"github.com/edasctl/edasctl/internal/localaws/store"
)

// defaultRegion is the region whose CreateBucket answers 200 for a bucket
// the caller already owns (AWS-RULES S2).
const defaultRegion = "us-east-1"

type createBucketConfiguration struct {
	XMLName            xml.Name `xml:"CreateBucketConfiguration"`
	LocationConstraint string   `xml:"LocationConstraint"`
}

// createBucket serves CreateBucket
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html).
// The bucket's region is the LocationConstraint, else the request's region;
// a constraint that differs from the request's region, or a missing one
// outside us-east-1, is IllegalLocationConstraintException. Recreating a
// bucket the caller owns answers 200 in us-east-1 and
// BucketAlreadyOwnedByYou elsewhere (AWS-RULES S2). New buckets get S3's
// 2023 defaults: Block Public Access on, BucketOwnerEnforced ownership and
// SSE-S3 encryption (AWS-RULES S3).
func (s *Service) createBucket(rq *request) error {
	if !validBucketName(rq.bucket) {
		return &awsproto.Error{Code: "InvalidBucketName", Status: http.StatusBadRequest,
			Message: "The specified bucket is not valid.", Fields: map[string]string{"BucketName": rq.bucket}}
	}
	body, err := readSmallBody(rq.r, maxXMLBody)
	if err != nil {
		return err
	}
	var cfg createBucketConfiguration
	if len(strings.TrimSpace(string(body))) > 0 {
		if err := decodeXML(body, &cfg); err != nil {
			return err
		}
	}
	region := rq.signingRegion()
	switch {
	case cfg.LocationConstraint == "" && region != defaultRegion:
		return errIllegalLocation("The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.")
	case cfg.LocationConstraint != "" && cfg.LocationConstraint != region:
		return errIllegalLocation("The " + cfg.LocationConstraint + " location constraint is incompatible for the region specific endpoint this request was sent to.")
	}
	ownership := rq.r.Header.Get("X-Amz-Object-Ownership")
	if ownership == "" {
		ownership = "BucketOwnerEnforced"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if b := s.buckets[rq.bucket]; b != nil {
		if region == defaultRegion && b.region == defaultRegion {
			rq.w.Header().Set("Location", "/"+rq.bucket)
			rq.w.WriteHeader(http.StatusOK)
			return nil
		}
		return &awsproto.Error{Code: "BucketAlreadyOwnedByYou", Status: http.StatusConflict,
			Message: "Your previous request to create the named bucket succeeded and you already own it.",
			Fields:  map[string]string{"BucketName": rq.bucket}}
	}
	meta := bucketMeta{Name: rq.bucket, Region: region, Created: s.env.Clock.Now().UTC(), Sub: map[string]string{
		docPublicAccessBlock: defaultPublicAccessBlock,
		docOwnershipControls: ownershipDocument(ownership),
	}}
	if err := s.env.Store.Update(func(tx *store.Tx) error { return putJSON(tx, tableBucket, meta.Name, meta) }); err != nil {
		return err
	}
	s.buckets[rq.bucket] = newBucket(meta)
	rq.w.Header().Set("Location", "/"+rq.bucket)
	rq.w.WriteHeader(http.StatusOK)
	return nil
}

func errIllegalLocation(msg string) *awsproto.Error {
	return awsproto.Errorf(http.StatusBadRequest, "IllegalLocationConstraintException", "%s", msg)
}

// headBucket serves HeadBucket: 200 with x-amz-bucket-region, or a bare 404.
func (s *Service) headBucket(rq *request) error {
	b, err := s.bucket(rq.bucket)
	if err != nil {
		return err
	}
	b.mu.RLock()
	region, gone := b.region, b.deleted
	b.mu.RUnlock()
	if gone {
		return errNoSuchBucket(rq.bucket)
	}
	rq.w.Header().Set("X-Amz-Bucket-Region", region)
	rq.w.WriteHeader(http.StatusOK)
	return nil
}

// deleteBucket serves DeleteBucket: 409 BucketNotEmpty while any object
// version, delete marker or multipart upload remains (AWS-RULES S12), or a
// write to the bucket is being committed.
func (s *Service) deleteBucket(rq *request) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.buckets[rq.bucket]
	if b == nil {
		return errNoSuchBucket(rq.bucket)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.objects) > 0 || len(b.uploads) > 0 || b.inflight > 0 {
		return &awsproto.Error{Code: "BucketNotEmpty", Status: http.StatusConflict,
			Message: "The bucket you tried to delete is not empty", Fields: map[string]string{"BucketName": rq.bucket}}
	}
	if err := s.env.Store.Update(func(tx *store.Tx) error { return tx.Delete(tableBucket, rq.bucket) }); err != nil {
		return err
	}
	b.deleted = true
	delete(s.buckets, rq.bucket)
	rq.w.WriteHeader(http.StatusNoContent)
	return nil
}

type listBucketsResult struct {
	XMLName           xml.Name      `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListAllMyBucketsResult"`
	Owner             owner         `xml:"Owner"`
	Buckets           []bucketEntry `xml:"Buckets>Bucket"`
	Prefix            string        `xml:"Prefix,omitempty"`
	ContinuationToken string        `xml:"ContinuationToken,omitempty"`
}

type bucketEntry struct {
	Name         string `xml:"Name"`
	CreationDate string `xml:"CreationDate"`
	BucketRegion string `xml:"BucketRegion"`
}

// listBuckets serves ListBuckets with its prefix, bucket-region, max-buckets
// and continuation-token parameters; the token is the last name returned.
func (s *Service) listBuckets(rq *request) error {
	prefix, region, after := rq.q.Get("prefix"), rq.q.Get("bucket-region"), rq.q.Get("continuation-token")
	limit := 10000
	if v := rq.q.Get("max-buckets"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000 {
			return errInvalidArgument("max-buckets", v, "Argument max-buckets must be an integer between 1 and 10000.")
		}
		limit = n
	}
	out := listBucketsResult{Owner: s.owner(), Prefix: prefix, Buckets: []bucketEntry{}}
	for _, b := range s.sortedBuckets() {
		b.mu.RLock()
		m := b.meta
		b.mu.RUnlock()
		if !strings.HasPrefix(m.Name, prefix) || (region != "" && m.Region != region) || m.Name <= after {
			continue
		}
		if len(out.Buckets) == limit {
			out.ContinuationToken = out.Buckets[len(out.Buckets)-1].Name
			break
		}
		out.Buckets = append(out.Buckets, bucketEntry{Name: m.Name, CreationDate: isoTime(m.Created), BucketRegion: m.Region})
	}
	return writeXML(rq.w, out)
}

// owner is the account's canonical user: a 64-hex-digit ID derived from the
// account ID.
func (s *Service) owner() owner {
	sum := sha256.Sum256([]byte("edasctl-local:" + s.env.Account))
	return owner{ID: hex.EncodeToString(sum[:])}
}

type locationConstraint struct {
	XMLName xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ LocationConstraint"`
	Region  string   `xml:",chardata"`
}

// getBucketLocation serves GetBucketLocation: empty for us-east-1, as S3
// answers.
func (s *Service) getBucketLocation(rq *request) error {
	b, err := s.bucket(rq.bucket)
	if err != nil {
		return err
	}
	b.mu.RLock()
	region := b.region
	b.mu.RUnlock()
	if region == defaultRegion {
		region = ""
	}
	return writeXML(rq.w, locationConstraint{Region: region})
}

type versioningConfiguration struct {
	XMLName   xml.Name `xml:"VersioningConfiguration"`
	Status    string   `xml:"Status,omitempty"`
	MfaDelete string   `xml:"MfaDelete,omitempty"`
}

// getBucketVersioning serves GetBucketVersioning: no Status until
// versioning was first enabled.
func (s *Service) getBucketVersioning(rq *request) error {
	b, err := s.bucket(rq.bucket)
	if err != nil {
		return err
	}
	b.mu.RLock()
	status := b.meta.Versioning
	b.mu.RUnlock()
	return writeXML(rq.w, struct {
		XMLName xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ VersioningConfiguration"`
		Status  string   `xml:"Status,omitempty"`
	}{Status: status})
}

// putBucketVersioning serves PutBucketVersioning: Status Enabled or
// Suspended; suspending a bucket that never had versioning keeps it
// suspended, as S3 does.
func (s *Service) putBucketVersioning(rq *request) error {
	b, err := s.bucket(rq.bucket)
	if err != nil {
		return err
	}
	var cfg versioningConfiguration
	if _, err := readXML(rq.r, &cfg); err != nil {
		return err
	}
	if cfg.Status != versioningEnabled && cfg.Status != versioningSuspended {
		return errMalformedXML()
	}
	return s.updateMeta(rq, b, http.StatusOK, func(m *bucketMeta) error {
		m.Versioning = cfg.Status
		return nil
	})
}

// updateMeta applies edit to a copy of b's record, writes it, and installs
// it; it answers status with no body.
func (s *Service) updateMeta(rq *request, b *bucket, status int, edit func(*bucketMeta) error) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.deleted {
		return errNoSuchBucket(b.name)
	}
	m := b.meta
	m.Sub = make(map[string]string, len(b.meta.Sub))
	for k, v := range b.meta.Sub {
		m.Sub[k] = v
	}
	if err := edit(&m); err != nil {
		return err
	}
	if err := s.env.Store.Update(func(tx *store.Tx) error { return putJSON(tx, tableBucket, m.Name, m) }); err != nil {
		return err
	}
	b.meta = m
	rq.w.WriteHeader(status)
	return nil
}
