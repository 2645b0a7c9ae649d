package s3

import (
	"net/http"
)

// unsupportedSubresources are bucket and object sub-resources this service
// does not implement; requests for them get 501 NotImplemented rather than
// being mistaken for a plain bucket or object operation.
var unsupportedSubresources = []string{
	"accelerate", "acl", "analytics", "cors", "intelligent-tiering", "inventory", "legal-hold", "lifecycle",
	"logging", "metadataTable", "metrics", "object-lock", "policyStatus", "replication", "requestPayment",
	"restore", "retention", "select", "torrent", "website", "attributes",
}

// route dispatches a request to its operation by method, bucket, key and
// sub-resource, as the S3 API reference lays out each operation's request
// syntax (https://docs.aws.amazon.com/AmazonS3/latest/API/API_Operations_Amazon_Simple_Storage_Service.html).
func (s *Service) route(rq *request) error {
	if len(rq.q) > 0 {
		for _, name := range unsupportedSubresources {
			if rq.has(name) {
				return errNotImplemented()
			}
		}
	}
	switch {
	case rq.bucket == "":
		if rq.r.Method == http.MethodGet {
			return s.listBuckets(rq)
		}
		return errMethodNotAllowed()
	case rq.key == "":
		return s.routeBucket(rq)
	default:
		if err := checkKey(rq.key); err != nil {
			return err
		}
		return s.routeObject(rq)
	}
}

// bucketSubresources maps a bucket sub-resource to its handlers by method.
func (s *Service) bucketSubresources() map[string]map[string]func(*request) error {
	return map[string]map[string]func(*request) error{
		"location":          {http.MethodGet: s.getBucketLocation},
		"versioning":        {http.MethodGet: s.getBucketVersioning, http.MethodPut: s.putBucketVersioning},
		"versions":          {http.MethodGet: s.listObjectVersions},
		"uploads":           {http.MethodGet: s.listMultipartUploads},
		"delete":            {http.MethodPost: s.deleteObjects},
		"notification":      {http.MethodGet: s.getBucketNotification, http.MethodPut: s.putBucketNotification},
		"policy":            s.docHandlers(docPolicy),
		"publicAccessBlock": s.docHandlers(docPublicAccessBlock),
		"ownershipControls": s.docHandlers(docOwnershipControls),
		"encryption":        s.docHandlers(docEncryption),
		"tagging":           s.docHandlers(docTagging),
	}
}

func (s *Service) routeBucket(rq *request) error {
	for name, byMethod := range s.bucketSubresources() {
		if !rq.has(name) {
			continue
		}
		if h := byMethod[rq.r.Method]; h != nil {
			return h(rq)
		}
		return errMethodNotAllowed()
	}
	switch rq.r.Method {
	case http.MethodPut:
		return s.createBucket(rq)
	case http.MethodHead:
		return s.headBucket(rq)
	case http.MethodDelete:
		return s.deleteBucket(rq)
	case http.MethodGet:
		if rq.q.Get("list-type") == "2" {
			return s.listObjectsV2(rq)
		}
		return s.listObjects(rq)
	}
	return errMethodNotAllowed()
}

func (s *Service) routeObject(rq *request) error {
	uploadID, multipart := rq.q["uploadId"]
	switch rq.r.Method {
	case http.MethodPut:
		switch {
		case multipart && rq.r.Header.Get("X-Amz-Copy-Source") != "":
			return s.uploadPartCopy(rq, uploadID[0])
		case multipart:
			return s.uploadPart(rq, uploadID[0])
		case rq.has("tagging"):
			return errNotImplemented()
		case rq.r.Header.Get("X-Amz-Copy-Source") != "":
			return s.copyObject(rq)
		}
		return s.putObject(rq)
	case http.MethodGet:
		switch {
		case multipart:
			return s.listParts(rq, uploadID[0])
		case rq.has("tagging"):
			return errNotImplemented()
		}
		return s.getObject(rq, false)
	case http.MethodHead:
		return s.getObject(rq, true)
	case http.MethodDelete:
		if multipart {
			return s.abortMultipartUpload(rq, uploadID[0])
		}
		if rq.has("tagging") {
			return errNotImplemented()
		}
		return s.deleteObject(rq)
	case http.MethodPost:
		switch {
		case rq.has("uploads"):
			return s.createMultipartUpload(rq)
		case multipart:
			return s.completeMultipartUpload(rq, uploadID[0])
		}
	}
	return errMethodNotAllowed()
}
