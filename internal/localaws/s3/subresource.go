package s3

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
)

// Names of the bucket sub-resource documents kept in bucketMeta.Sub.
const (
	docPolicy            = "policy"
	docPublicAccessBlock = "publicAccessBlock"
	docOwnershipControls = "ownershipControls"
	docEncryption        = "encryption"
	docTagging           = "tagging"
	docNotification      = "notification"
)

// maxPolicySize is the largest bucket policy S3 accepts
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html).
const maxPolicySize = 20 << 10

// A docKind describes one bucket sub-resource stored as a document: how a
// PUT body is validated and normalised, what a GET returns when it is unset,
// and what DELETE leaves behind.
type docKind struct {
	name        string
	contentType string
	// parse validates a PUT body and returns the document to store.
	parse func(body []byte) (string, error)
	// fallback is returned by GET when unset; "" means notFound applies.
	fallback string
	notFound func(bucket string) *awsproto.Error
}

var docKinds = map[string]docKind{
	docPolicy: {name: docPolicy, contentType: "application/json", parse: parsePolicy,
		notFound: notFound("NoSuchBucketPolicy", "The bucket policy does not exist")},
	docPublicAccessBlock: {name: docPublicAccessBlock, contentType: "application/xml", parse: parsePublicAccessBlock,
		notFound: notFound("NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found")},
	docOwnershipControls: {name: docOwnershipControls, contentType: "application/xml", parse: parseOwnershipControls,
		notFound: notFound("OwnershipControlsNotFoundError", "The bucket ownership controls were not found")},
	docEncryption: {name: docEncryption, contentType: "application/xml", parse: parseEncryption,
		fallback: defaultEncryption},
	docTagging: {name: docTagging, contentType: "application/xml", parse: parseTagging,
		notFound: notFound("NoSuchTagSet", "The TagSet does not exist")},
}

func notFound(code, msg string) func(string) *awsproto.Error {
	return func(bucket string) *awsproto.Error {
		return &awsproto.Error{Code: code, Status: http.StatusNotFound, Message: msg, Fields: map[string]string{"BucketName": bucket}}
	}
}

// docHandlers returns the GET, PUT and DELETE handlers of a document
// sub-resource.
func (s *Service) docHandlers(name string) map[string]func(*request) error {
	k := docKinds[name]
	return map[string]func(*request) error{
		http.MethodGet:    func(rq *request) error { return s.getDoc(rq, k) },
		http.MethodPut:    func(rq *request) error { return s.putDoc(rq, k) },
		http.MethodDelete: func(rq *request) error { return s.deleteDoc(rq, k) },
	}
}

func (s *Service) getDoc(rq *request, k docKind) error {
	b, err := s.bucket(rq.bucket)
	if err != nil {
		return err
	}
	b.mu.RLock()
	doc, gone := b.meta.Sub[k.name], b.deleted
	b.mu.RUnlock()
	if gone {
		return errNoSuchBucket(rq.bucket)
	}
	if doc == "" {
		if k.fallback == "" {
			return k.notFound(rq.bucket)
		}
		doc = k.fallback
	}
	rq.w.Header().Set("Content-Type", k.contentType)
	rq.w.Header().Set("Content-Length", strconv.Itoa(len(doc)))
	rq.w.WriteHeader(http.StatusOK)
	_, err = io.WriteString(rq.w, doc)
	return err
}

func (s *Service) putDoc(rq *request, k docKind) error {
	b, err := s.bucket(rq.bucket)
	if err != nil {
		return err
	}
	body, err := readSmallBody(rq.r, maxXMLBody)
	if err != nil {
		return err
	}
	doc, err := k.parse(body)
	if err != nil {
		return err
	}
	// PutBucketPolicy answers 204, the other PUTs 200
	// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html).
	status := http.StatusOK
	if k.name == docPolicy {
		status = http.StatusNoContent
	}
	return s.updateMeta(rq, b, status, func(m *bucketMeta) error {
		m.Sub[k.name] = doc
		return nil
	})
}

func (s *Service) deleteDoc(rq *request, k docKind) error {
	b, err := s.bucket(rq.bucket)
	if err != nil {
		return err
	}
	return s.updateMeta(rq, b, http.StatusNoContent, func(m *bucketMeta) error {
		delete(m.Sub, k.name)
		return nil
	})
}

// marshalDoc encodes a validated document with S3's namespace.
func marshalDoc(v any) (string, error) {
	body, err := xml.Marshal(v)
	if err != nil {
		return "", err
	}
	return xml.Header + string(body), nil
}

// parsePolicy accepts a JSON object of at most 20 KB, stored verbatim.
func parsePolicy(body []byte) (string, error) {
	if len(body) > maxPolicySize {
		return "", awsproto.Errorf(http.StatusBadRequest, "PolicyTooLarge", "Policies must be less than 20 KB")
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' || !json.Valid(trimmed) {
		return "", awsproto.Errorf(http.StatusBadRequest, "MalformedPolicy", "Policies must be valid JSON and the first byte must be '{'")
	}
	return string(trimmed), nil
}

type publicAccessBlock struct {
	XMLName               xml.Name `xml:"PublicAccessBlockConfiguration"`
	Xmlns                 string   `xml:"xmlns,attr"`
	BlockPublicAcls       bool     `xml:"BlockPublicAcls"`
	IgnorePublicAcls      bool     `xml:"IgnorePublicAcls"`
	BlockPublicPolicy     bool     `xml:"BlockPublicPolicy"`
	RestrictPublicBuckets bool     `xml:"RestrictPublicBuckets"`
}

// defaultPublicAccessBlock is what every new bucket gets since April 2023
// (AWS-RULES S3).
var defaultPublicAccessBlock = mustMarshal(publicAccessBlock{Xmlns: xmlns, BlockPublicAcls: true,
	IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true})

func parsePublicAccessBlock(body []byte) (string, error) {
	var v publicAccessBlock
	if err := decodeXML(body, &v); err != nil {
		return "", err
	}
	v.Xmlns = xmlns
	return marshalDoc(v)
}

type ownershipControls struct {
	XMLName xml.Name `xml:"OwnershipControls"`
	Xmlns   string   `xml:"xmlns,attr"`
	Rules   []struct {
		ObjectOwnership string `xml:"ObjectOwnership"`
	} `xml:"Rule"`
}

func ownershipDocument(ownership string) string {
	v := ownershipControls{Xmlns: xmlns}
	v.Rules = append(v.Rules, struct {
		ObjectOwnership string `xml:"ObjectOwnership"`
	}{ownership})
	return mustMarshal(v)
}

func parseOwnershipControls(body []byte) (string, error) {
	var v ownershipControls
	if err := decodeXML(body, &v); err != nil {
		return "", err
	}
	if len(v.Rules) != 1 {
		return "", errMalformedXML()
	}
	switch v.Rules[0].ObjectOwnership {
	case "BucketOwnerPreferred", "ObjectWriter", "BucketOwnerEnforced":
	default:
		return "", errMalformedXML()
	}
	v.Xmlns = xmlns
	return marshalDoc(v)
}

type encryptionConfiguration struct {
	XMLName xml.Name `xml:"ServerSideEncryptionConfiguration"`
	Xmlns   string   `xml:"xmlns,attr"`
	Rules   []struct {
		Default *struct {
			SSEAlgorithm   string `xml:"SSEAlgorithm"`
			KMSMasterKeyID string `xml:"KMSMasterKeyID,omitempty"`
		} `xml:"ApplyServerSideEncryptionByDefault"`
		BucketKeyEnabled bool `xml:"BucketKeyEnabled"`
	} `xml:"Rule"`
}

// defaultEncryption is SSE-S3, every bucket's default since January 2023
// (AWS-RULES S3).
const defaultEncryption = xml.Header + `<ServerSideEncryptionConfiguration xmlns="` + xmlns + `"><Rule>` +
	`<ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault>` +
	`<BucketKeyEnabled>false</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>`

func parseEncryption(body []byte) (string, error) {
	var v encryptionConfiguration
	if err := decodeXML(body, &v); err != nil {
		return "", err
	}
	if len(v.Rules) == 0 {
		return "", errMalformedXML()
	}
	for _, r := range v.Rules {
		if r.Default == nil {
			continue
		}
		switch r.Default.SSEAlgorithm {
		case "AES256", "aws:kms", "aws:kms:dsse":
		default:
			return "", errMalformedXML()
		}
	}
	v.Xmlns = xmlns
	return marshalDoc(v)
}

type tagging struct {
	XMLName xml.Name `xml:"Tagging"`
	Xmlns   string   `xml:"xmlns,attr"`
	TagSet  []struct {
		Key   string `xml:"Key"`
		Value string `xml:"Value"`
	} `xml:"TagSet>Tag"`
}

// parseTagging applies the tag rules S3 enforces on buckets: at most 50
// tags, keys of 1–128 and values of at most 256 characters, no duplicate
// keys, and no aws: prefix (InvalidTag).
func parseTagging(body []byte) (string, error) {
	var v tagging
	if err := decodeXML(body, &v); err != nil {
		return "", err
	}
	invalid := func(msg string) (string, error) {
		return "", awsproto.Errorf(http.StatusBadRequest, "InvalidTag", "%s", msg)
	}
	if len(v.TagSet) > 50 {
		return invalid("Object tags cannot be greater than 50")
	}
	seen := map[string]bool{}
	for _, t := range v.TagSet {
		switch {
		case utf8.RuneCountInString(t.Key) < 1 || utf8.RuneCountInString(t.Key) > 128:
			return invalid("The TagKey you have provided is invalid")
		case utf8.RuneCountInString(t.Value) > 256:
			return invalid("The TagValue you have provided is invalid")
		case len(t.Key) >= 4 && t.Key[:4] == "aws:":
			return invalid("System tags cannot be added/updated by requester")
		case seen[t.Key]:
			return invalid("Cannot provide multiple Tags with the same key")
		}
		seen[t.Key] = true
	}
	v.Xmlns = xmlns
	return marshalDoc(v)
}

func mustMarshal(v any) string {
	s, err := marshalDoc(v)
	if err != nil {
		panic(err)
	}
	return s
}
